package dev.spool;

/** What happens to a unique job that meets a lock held by another job. */
public enum OnConflict {
  /** The job is discarded: not queued at enqueue, ended as killed at start. The default. */
  REJECT,
  /**
   * {@link UniqueJobConflictException} is thrown: to the enqueuer at enqueue; at start, the attempt
   * fails with it and the job is retried as its retry policy says.
   */
  RAISE,
  /**
   * The job goes back to its queue a little later without using up an attempt. Only with {@link
   * Unique.Lock#WHILE_EXECUTING}.
   */
  RESCHEDULE
}
