package dev.spool.bench.compare;

import dev.spool.JobType;

/**
 * The jobs of {@code bench compare}. Their names and JSON fields are those the BullMQ side
 * (bench/compare/*.mjs) uses, so both systems store and run the same payloads.
 */
public final class CompareJobs {
  private CompareJobs() {}

  /** The queue of every compared job, in Spool and in BullMQ. */
  public static final String QUEUE = "compare";

  /** W1: the handler INCRs {@code key} on a connection of its own. */
  public record Incr(int n, String key) {}

  /** W1 with no-op handlers. */
  public record Noop(int n) {}

  /** W2: the handler RPUSHes (start − sentUs) to {@code list}; monotonic microseconds. */
  public record Latency(int n, long sentUs, String list) {}

  /** W3: the handler RPUSHes (start − dueMs), in epoch microseconds, to {@code list}. */
  public record Delayed(int n, long dueMs, String list) {}

  public static final JobType<Incr> INCR = JobType.of("compare-incr", Incr.class).withQueue(QUEUE);
  public static final JobType<Noop> NOOP = JobType.of("compare-noop", Noop.class).withQueue(QUEUE);
  public static final JobType<Latency> LATENCY =
      JobType.of("compare-latency", Latency.class).withQueue(QUEUE);
  public static final JobType<Delayed> DELAYED =
      JobType.of("compare-delayed", Delayed.class).withQueue(QUEUE);

  /** Microseconds of {@link System#nanoTime()}: CLOCK_MONOTONIC, as Node's hrtime. */
  static long monotonicMicros() {
    return System.nanoTime() / 1000;
  }

  /** Epoch microseconds of the wall clock. */
  static long wallMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }
}
