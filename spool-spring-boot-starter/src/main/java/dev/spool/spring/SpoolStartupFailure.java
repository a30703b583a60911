package dev.spool.spring;

import dev.spool.SpoolException;

/**
 * A start-up failure the starter can explain in Spring's terms: what went wrong, and an action that
 * names the {@code spool.*} property (or bean) to change. {@link SpoolStartupFailureAnalyzer} turns
 * it into Spring Boot's "APPLICATION FAILED TO START" report.
 */
final class SpoolStartupFailure extends SpoolException {
  private final String action;

  SpoolStartupFailure(String description, String action, Throwable cause) {
    super(description, cause);
    this.action = action;
  }

  /** What to change, in the application's configuration. */
  String action() {
    return action;
  }
}
