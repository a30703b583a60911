package dev.spool.bench;

import dev.spool.JobType;
import dev.spool.Unique;
import java.util.List;

/** The job types the workloads enqueue. */
public final class BenchJobs {
  private BenchJobs() {}

  /** A no-op job; {@code n} numbers it so the harness can tell every job ran once. */
  public record Noop(int n) {}

  /** A job carrying the {@link System#nanoTime()} at which it was sent (W2). */
  public record Sent(long sentNanos, int n) {}

  /** A job carrying the epoch millisecond at which it is due (W3). */
  public record Due(long dueMs, int n) {}

  public static final JobType<Noop> NOOP = JobType.of("noop", Noop.class);

  /** {@link #NOOP} with an until-executed lock per job (W1 {@code --unique}). */
  public static final JobType<Noop> UNIQUE_NOOP =
      JobType.of("unique-noop", Noop.class).withUnique(Unique.untilExecuted());

  public static final JobType<Sent> SENT = JobType.of("bench-latency", Sent.class);
  public static final JobType<Due> DUE = JobType.of("bench-delayed", Due.class);

  /**
   * No-op types of different names on the default queue (W5), so that job-name clauses select a
   * quarter of the statuses each.
   */
  public static final List<JobType<Noop>> NAMED =
      List.of(
          JobType.of("report", Noop.class),
          JobType.of("mail", Noop.class),
          JobType.of("resize", Noop.class),
          JobType.of("sync", Noop.class));
}
