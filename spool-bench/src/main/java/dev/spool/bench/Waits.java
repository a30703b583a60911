package dev.spool.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded polling and precise waiting. */
final class Waits {
  private Waits() {}

  /** Polls every {@code pollMs} until the condition holds (true) or the timeout passes (false). */
  static boolean until(BooleanSupplier condition, Duration timeout, long pollMs) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      if (!sleep(pollMs)) {
        return false;
      }
    }
  }

  static boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Parks until {@code System.nanoTime()} reaches the target (an absolute time, no drift). */
  static void parkUntil(long targetNanos) {
    long left;
    while ((left = targetNanos - System.nanoTime()) > 0) {
      if (left > 100_000) {
        LockSupport.parkNanos(left - 50_000);
      } else {
        Thread.onSpinWait();
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }
}
