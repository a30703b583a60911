package dev.spool.internal;

import java.time.Clock;
import java.time.Instant;

/** Timestamps in microseconds since the epoch, the unit statuses are kept in. */
public final class Micros {
  private Micros() {}

  public static long now(Clock clock) {
    return of(clock.instant());
  }

  public static long of(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  /** The minute (since the epoch) a time in µs falls in: per-minute counters are keyed by it. */
  public static long minuteOf(long micros) {
    return Math.floorDiv(micros, 60_000_000L);
  }
}
