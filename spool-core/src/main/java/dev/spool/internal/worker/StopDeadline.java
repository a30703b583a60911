package dev.spool.internal.worker;

/**
 * When a stopping node interrupts its handlers ({@link System#nanoTime()}): the soonest deadline of
 * the stop calls so far, so a later call with a shorter timeout (a second Ctrl-C) hurries the stop.
 */
final class StopDeadline {
  private boolean set;
  private long nanos;

  synchronized void bringForward(long deadlineNanos) {
    if (!set || deadlineNanos - nanos < 0) {
      nanos = deadlineNanos;
      set = true;
    }
  }

  /** The deadline; one already passed if none was set (the stop is under way). */
  synchronized long nanos() {
    return set ? nanos : System.nanoTime();
  }
}
