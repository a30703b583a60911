package dev.spool;

import java.util.List;

/**
 * The enqueueing side of Spool, as an interface: application code that only enqueues can depend on
 * it, and its unit tests can swap in the inline or fake modes of {@code spool-testkit} ({@code
 * dev.spool.testkit.SpoolTesting}) for a real {@link Spool}.
 */
public interface JobClient {
  /** Enqueues a job on its type's queue, ready at once. */
  <A> JobId enqueue(JobType<A> type, A args);

  /**
   * Enqueues a job with per-job options; see {@link Spool#enqueue(JobType, Object, JobOptions)}.
   */
  <A> JobId enqueue(JobType<A> type, A args, JobOptions options);

  /** Enqueues a job and says whether it was accepted or which job holds its unique lock. */
  <A> EnqueueResult tryEnqueue(JobType<A> type, A args, JobOptions options);

  /** Enqueues a job on its type's queue and says whether it was accepted. */
  default <A> EnqueueResult tryEnqueue(JobType<A> type, A args) {
    return tryEnqueue(type, args, JobOptions.NONE);
  }

  /** Enqueues many jobs of one type with their type's settings; returns their ids in order. */
  default <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args) {
    return enqueueAll(type, args, JobOptions.NONE);
  }

  /** Enqueues many jobs of one type at once; returns their ids in order. */
  <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args, JobOptions options);

  /** Removes a job that is queued or delayed; false if there is none such. */
  boolean cancel(JobId id);
}
