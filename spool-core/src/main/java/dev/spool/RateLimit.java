package dev.spool;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * At most {@code max} jobs start in any window of {@code per}, on all nodes together (a type's or
 * key's limit counted in each queue its jobs go to); a job over the limit is scheduled for its
 * turn, using no attempt. Per job type (see {@link JobType#withRateLimit(int, Duration)}), per key
 * of the arguments, or per queue (see {@link QueueControl#limitRate(int, Duration)}). See
 * docs/flow-control.md.
 *
 * @param max 1 to 100 000
 * @param per the window, 1 ms to 1 day
 * @param key the key of a job's arguments, or null for one limit for the whole type
 * @param <A> the arguments type
 */
public record RateLimit<A>(int max, Duration per, Function<? super A, ?> key) {
  public RateLimit {
    if (max < 1 || max > 100_000) {
      throw new IllegalArgumentException("rate limit must be in [1, 100000], got " + max);
    }
    Objects.requireNonNull(per, "per");
    if (per.compareTo(Duration.ofDays(1)) > 0 || per.toMillis() < 1) {
      throw new IllegalArgumentException("rate limit window must be 1 ms to 1 day, got " + per);
    }
  }

  /** The stored spec for a job of {@code type}: {@code "<max>|<per ms>|<name>"}. */
  String spec(String type, A args) {
    return max + "|" + per.toMillis() + "|" + LimitNames.of(type, key, args, "rate");
  }

  @Override
  public String toString() {
    return "RateLimit[" + max + " per " + per + (key == null ? "" : " per key") + "]";
  }
}
