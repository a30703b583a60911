package dev.spool.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for local Redis processes the testkit started to reach a state (a poll every 50 ms). */
final class Polling {
  private static final long INTERVAL_MS = 50;

  private Polling() {}

  /** Returns once {@code condition} holds; fails, naming {@code what}, after {@code timeout}. */
  static void awaitUntil(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(INTERVAL_MS); // local processes give no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }
}
