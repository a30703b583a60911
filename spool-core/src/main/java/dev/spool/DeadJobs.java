package dev.spool;

import java.util.List;

/**
 * The dead set of each queue: jobs whose retries ran out. Bounded in size and age (see {@link
 * Spool.Builder#deadJobsMaxSize} and {@link Spool.Builder#deadJobsMaxAge}); the oldest go first,
 * when a job dies and at each of the Pruner's rounds (a tenth of the retention, 1 s to 1 minute).
 */
public interface DeadJobs {
  /** Newest first. */
  List<DeadJob> list(String queue, int offset, int limit);

  /**
   * The dead jobs of these queues merged newest first (by time of death), a page at a time: {@code
   * cursor} null for the newest page, else the previous page's {@link DeadPage#next()}. A page
   * costs the same however deep it is: per queue its next {@code limit} times of death, then the
   * page's jobs, never the jobs before it. A job that dies meanwhile moves the later pages of its
   * queue down by one, so a job may show twice.
   *
   * @throws IllegalArgumentException for a cursor Spool did not write, or a limit below 1
   */
  DeadPage page(List<String> queues, String cursor, int limit);

  /**
   * As {@link #page(List, String, int)}, each job's arguments cut short in Redis after at least
   * {@code argsMaxChars} characters, for a list view: a page of jobs with large arguments then
   * costs the page, not their size ({@link #list} and {@link #page(List, String, int)} give them
   * whole).
   *
   * @throws IllegalArgumentException also for {@code argsMaxChars} below 1
   */
  DeadPage page(List<String> queues, String cursor, int limit, int argsMaxChars);

  long size(String queue);

  /**
   * Puts a dead job back in its queue with a fresh retry budget; false if it is neither dead nor
   * killed. A killed job (cancelled, drained, expired, or killed while it ran) is put back the same
   * way, its status kept again until it ends, as JobRunr requeues a deleted job — but a batch part,
   * which its batch counted as failed already. A job unique until executing or executed takes its
   * lock again.
   *
   * @throws UniqueJobConflictException if another job holds that lock now: the job stays dead
   */
  boolean retry(JobId id);

  /**
   * Retries every job of the queue that was dead when the call began, each once; returns how many.
   * Those whose unique lock another job holds stay dead.
   */
  long retryAll(String queue);

  /** Deletes every dead job of the queue; returns how many. */
  long purge(String queue);
}
