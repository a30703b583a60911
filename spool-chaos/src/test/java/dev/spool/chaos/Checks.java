package dev.spool.chaos;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The properties an experiment asserts, checked together so that the report shows every one that
 * fails (not only the first), then asserted at once with the experiment's diagnostics.
 */
final class Checks {
  private record Failure(String property, String details) {}

  private final List<Failure> failures = new ArrayList<>();

  /** Records whether {@code property} holds; {@code details} say how it does not. */
  void check(boolean holds, String property, Supplier<String> details) {
    if (!holds) {
      failures.add(new Failure(property, details.get()));
    }
  }

  boolean allHold() {
    return failures.isEmpty();
  }

  /** "holds", or the properties that fail. */
  String verdict() {
    return allHold()
        ? "holds"
        : "FAILS: " + String.join("; ", failures.stream().map(Failure::property).toList());
  }

  /** Fails the test with every property that does not hold, then {@code diagnostics}. */
  void assertAll(Supplier<String> diagnostics) {
    if (allHold()) {
      return;
    }
    StringBuilder message = new StringBuilder();
    for (Failure f : failures) {
      message.append("\n- ").append(f.property()).append(":\n").append(f.details().indent(4));
    }
    message.append("\n").append(diagnostics.get());
    fail(message.toString());
  }
}
