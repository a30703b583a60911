package dev.spool.internal.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to Redis as its users should hear of it: once when it is lost, once when it is
 * back, with how long it took and how many calls failed meanwhile — not one warning per failed call
 * from every thread of a worker node.
 */
final class Outage {
  private static final Logger log = LoggerFactory.getLogger(Outage.class);

  private final String display;
  private final AtomicLong downSinceNanos = new AtomicLong();
  private final AtomicLong failedWhileDown = new AtomicLong();
  private final AtomicLong upAtNanos =
      new AtomicLong(System.nanoTime() - TimeUnit.HOURS.toNanos(1));

  Outage(String display) {
    this.display = display;
  }

  boolean isDown() {
    return downSinceNanos.get() != 0;
  }

  /** The connection dropped; returns whether this started the outage. */
  boolean down() {
    if (downSinceNanos.compareAndSet(0, System.nanoTime())) {
      failedWhileDown.set(0);
      log.warn(
          "lost the connection to Redis at {}: reconnecting (at most a second apart); calls that"
              + " fail meanwhile are logged at DEBUG",
          display);
      return true;
    }
    return false;
  }

  /**
   * A call timed out while the connection stood (Redis hangs: stopped, swapping, a long script):
   * the outage starts, unless one is on. Returns whether this call started it; it ends at {@link
   * #up} when Redis answers again.
   */
  boolean stalled() {
    return start("does not answer (a call timed out)");
  }

  /**
   * Redis refused a call as it refuses every call for now ({@code code} BUSY or LOADING): the
   * outage starts, unless one is on. Returns whether this call started it; it ends at {@link #up}
   * when Redis answers again.
   */
  boolean refusing(String code) {
    return start(
        "refuses every call (%s: %s)"
            .formatted(
                code,
                code.equals("BUSY")
                    ? "a script runs past its time limit"
                    : "it loads its data after a restart"));
  }

  private boolean start(String why) {
    if (downSinceNanos.compareAndSet(0, System.nanoTime())) {
      failedWhileDown.set(0);
      log.warn(
          "Redis at {} {}: asking it every second; calls that fail meanwhile are logged at DEBUG",
          display,
          why);
      return true;
    }
    return false;
  }

  /**
   * A call failed because the connection dropped: the outage starts, unless the connection came
   * back a moment ago (the failure was on its way before the reconnect). Returns whether this call
   * started it.
   */
  boolean dropped() {
    return System.nanoTime() - upAtNanos.get() > TimeUnit.SECONDS.toNanos(1) && down();
  }

  void up() {
    upAtNanos.set(System.nanoTime());
    long since = downSinceNanos.getAndSet(0);
    if (since != 0) {
      log.info(
          // Its own threads' calls: an application's calls got their exceptions, uncounted.
          "Redis at {} is back after {} ms ({} background calls failed meanwhile)",
          display,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since),
          failedWhileDown.get());
    }
  }

  /** A failed call: a warning while connected, one more for the count during an outage. */
  void failed(Logger caller, String format, Object... args) {
    if (isDown()) {
      failedWhileDown.incrementAndGet();
      caller.debug(format, args);
    } else {
      caller.warn(format, args);
    }
  }
}
