package dev.spool;

import java.util.Objects;
import java.util.function.Function;

/**
 * At most {@code max} jobs of a type run at once on all nodes together, or at most {@code max} per
 * key computed from their arguments (a customer, an account); counted in each queue the jobs go to.
 * See {@link JobType#withConcurrencyLimit(int)} and docs/flow-control.md.
 *
 * @param max 1 to {@value #MAX}
 * @param key the key of a job's arguments, or null for one limit for the whole type
 * @param <A> the arguments type
 */
public record ConcurrencyLimit<A>(int max, Function<? super A, ?> key) {
  /** The highest limit: a limit's slots are checked one by one when it is full. */
  public static final int MAX = 10_000;

  public ConcurrencyLimit {
    if (max < 1 || max > MAX) {
      throw new IllegalArgumentException(
          "concurrency limit must be in [1, " + MAX + "], got " + max);
    }
  }

  /** The stored spec for a job of {@code type} with these arguments: {@code "<max>|<name>"}. */
  String spec(String type, A args) {
    return max + "|" + LimitNames.of(type, key, args, "concurrency");
  }

  @Override
  public String toString() {
    return "ConcurrencyLimit[" + max + (key == null ? "" : " per key") + "]";
  }

  static <A> ConcurrencyLimit<A> of(int max, Function<? super A, ?> key) {
    return new ConcurrencyLimit<>(max, Objects.requireNonNull(key, "key"));
  }
}
