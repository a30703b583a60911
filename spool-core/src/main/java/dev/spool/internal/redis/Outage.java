package dev.spool.internal.redis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to Redis as its users should hear of it: once when it is lost, once when it is
 * back, with how long it took and how many calls failed meanwhile — not one warning per failed call
 * from every thread of a worker node.
 */
final class Outage {
  private static final Logger log = LoggerFactory.getLogger(Outage.class);

  /**
   * How often a Cluster's failures of one kind are warned of: BUSY, LOADING or a timeout of one
   * node of many is no outage (the others serve, and a PING cannot tell the node that hangs), but
   * each failed call was a warning from every thread: one per kind and period now, with a count.
   */
  static final long CLUSTER_WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String display;
  private final LongSupplier nanoTime;
  private final AtomicLong downSinceNanos = new AtomicLong();
  private final AtomicLong failedWhileDown = new AtomicLong();
  private final AtomicLong upAtNanos;
  private final Map<String, Muted> clusterWarnings = new ConcurrentHashMap<>();

  Outage(String display) {
    this(display, System::nanoTime);
  }

  /** With the time source of its tests. */
  Outage(String display, LongSupplier nanoTime) {
    this.display = display;
    this.nanoTime = nanoTime;
    this.upAtNanos = new AtomicLong(nanoTime.getAsLong() - TimeUnit.HOURS.toNanos(1));
  }

  boolean isDown() {
    return downSinceNanos.get() != 0;
  }

  /** The connection dropped; returns whether this started the outage. */
  boolean down() {
    if (downSinceNanos.compareAndSet(0, nanoTime.getAsLong())) {
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
    if (downSinceNanos.compareAndSet(0, nanoTime.getAsLong())) {
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
    return nanoTime.getAsLong() - upAtNanos.get() > TimeUnit.SECONDS.toNanos(1) && down();
  }

  void up() {
    upAtNanos.set(nanoTime.getAsLong());
    long since = downSinceNanos.getAndSet(0);
    if (since != 0) {
      log.info(
          // Its own threads' calls: an application's calls got their exceptions, uncounted.
          "Redis at {} is back after {} ms ({} background calls failed meanwhile)",
          display,
          TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - since),
          failedWhileDown.get());
    }
  }

  /**
   * A call a Redis Cluster failed with a failure of this {@code kind} (BUSY, LOADING, a timeout): a
   * warning, unless one of the kind was given less than {@link #CLUSTER_WARN_EVERY_NANOS} ago; then
   * DEBUG, counted, and the next warning of the kind says how many there were.
   */
  void failedOnCluster(String kind, Logger caller, String format, Object... args) {
    Muted muted = clusterWarnings.computeIfAbsent(kind, k -> new Muted());
    long now = nanoTime.getAsLong();
    long since;
    synchronized (muted) {
      if (muted.warnedAtNanos != 0 && now - muted.warnedAtNanos < CLUSTER_WARN_EVERY_NANOS) {
        muted.count++;
        caller.debug(format, args);
        return;
      }
      since = muted.count;
      muted.count = 0;
      muted.warnedAtNanos = now;
    }
    if (since == 0) {
      caller.warn(format, args);
      return;
    }
    // The count goes before a trailing exception, which SLF4J prints as a stack trace.
    boolean trailingError = args.length > 0 && args[args.length - 1] instanceof Throwable;
    int at = trailingError ? args.length - 1 : args.length;
    Object[] withCount = new Object[args.length + 1];
    System.arraycopy(args, 0, withCount, 0, at);
    withCount[at] = since;
    System.arraycopy(args, at, withCount, at + 1, args.length - at);
    caller.warn(
        format
            + " ({} more failed calls of the Cluster like it since the last warning, logged at"
            + " DEBUG)",
        withCount);
  }

  /** Failures of one kind on a Cluster not warned of since its last warning. */
  private static final class Muted {
    long warnedAtNanos;
    long count;
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
