package dev.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a handler that cannot do its work yet (a partner API asks to come back later, a
 * resource is busy): the job runs again after {@code delay}, <em>without using one of its
 * attempts</em> — no error is recorded, no errback runs and its retry budget is untouched, as
 * BullMQ's {@code DelayedError} does (its attempt number still goes up: every run has its own).
 * Meanwhile its status is {@link State#SCHEDULED}, its log says until when and why, and its
 * progress and saved data start afresh at the next run. A while-executing lock and a concurrency
 * slot are given back while it waits; an until-executed lock is kept.
 *
 * <p>A job may be postponed any number of times; give it an expiry ({@code JobOptions} {@code ttl}
 * or {@code expiresAt}) if it must not wait for ever. Only the handler (or an interceptor around
 * it) may postpone: thrown by a success callback, it fails the attempt. A kill requested meanwhile
 * ends the job killed.
 */
public class RunLaterException extends RuntimeException {
  private final Duration delay;
  private final String reason;

  /**
   * @param delay how long to wait, at most {@link Retry#MAX_DELAY}
   * @throws IllegalArgumentException if the delay is negative or longer than {@link
   *     Retry#MAX_DELAY}
   */
  public RunLaterException(Duration delay) {
    this(delay, null);
  }

  /**
   * @param delay how long to wait, at most {@link Retry#MAX_DELAY}
   * @param reason why, shown in the job's log (null for none)
   * @throws IllegalArgumentException if the delay is negative or longer than {@link
   *     Retry#MAX_DELAY}
   */
  public RunLaterException(Duration delay, String reason) {
    super(describe(delay, reason), null, false, false);
    this.delay = delay;
    this.reason = reason == null ? "" : reason;
  }

  private static String describe(Duration delay, String reason) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative() || delay.compareTo(Retry.MAX_DELAY) > 0) {
      throw new IllegalArgumentException(
          "delay must be between 0 and " + Retry.MAX_DELAY + ", got " + delay);
    }
    return "run later, in " + delay + (reason == null || reason.isBlank() ? "" : ": " + reason);
  }

  /** How long the job waits before it runs again. */
  public Duration delay() {
    return delay;
  }

  /** Why, as the handler said; empty when it said nothing. */
  public String reason() {
    return reason;
  }
}
