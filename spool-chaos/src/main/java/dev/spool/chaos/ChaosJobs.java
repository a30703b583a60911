package dev.spool.chaos;

import dev.spool.JobType;
import dev.spool.Unique;

/**
 * The job types of the chaos experiments, shared by the enqueuing test and the worker processes.
 */
public final class ChaosJobs {
  /** Every chaos job runs on this queue. */
  public static final String QUEUE = "chaos";

  /**
   * One job's work: sleep this long (interruptibly), then succeed, or fail if {@code fail}.
   *
   * @param millis how long the handler runs
   * @param fail whether the handler throws at the end
   */
  public record Work(long millis, boolean fail) {
    public static Work of(long millis) {
      return new Work(millis, false);
    }
  }

  /** Plain work. */
  public static final JobType<Work> WORK = JobType.of("chaos.work", Work.class).withQueue(QUEUE);

  /** Work that is unique until executed: a second one with the same arguments is rejected. */
  public static final JobType<Work> UNIQUE_WORK =
      JobType.of("chaos.unique", Work.class)
          .withQueue(QUEUE)
          .withUnique(Unique.<Work>untilExecuted());

  /** The on-complete callback of a batch. */
  public static final JobType<Work> BATCH_COMPLETE =
      JobType.of("chaos.batch-complete", Work.class).withQueue(QUEUE);

  private ChaosJobs() {}
}
