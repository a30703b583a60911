package dev.spool;

import java.util.ArrayList;
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

  /**
   * Enqueues many jobs, each with its own type, arguments and options (a scheduler's due times,
   * priorities, unique keys, nodes); returns their ids in order. As for {@link #enqueue(JobType,
   * Object, JobOptions)}, a unique job that meets a held lock is not queued: its place in the list
   * holds the id of the job that holds the lock when it rejects, and when it raises, {@link
   * UniqueJobConflictException} is thrown for the first such job once every other job was handled
   * ({@link #tryEnqueueAll} tells each outcome without throwing).
   */
  default List<JobId> enqueueAll(List<? extends JobSpec<?>> jobs) {
    List<EnqueueResult> results = tryEnqueueAll(jobs);
    for (int i = 0; i < results.size(); i++) {
      EnqueueResult r = results.get(i);
      JobSpec<?> job = jobs.get(i);
      Unique<?> unique = job.options().unique().orElse(job.type().unique().orElse(null));
      if (!r.accepted() && unique != null && unique.conflict() == OnConflict.RAISE) {
        throw new UniqueJobConflictException(job.type().name(), r.jobId());
      }
    }
    return results.stream().map(EnqueueResult::jobId).toList();
  }

  /**
   * Enqueues many jobs, each with its own type, arguments and options, and says for each, in order,
   * whether it was accepted or which job holds its unique lock. Never throws {@link
   * UniqueJobConflictException}.
   */
  default List<EnqueueResult> tryEnqueueAll(List<? extends JobSpec<?>> jobs) {
    List<EnqueueResult> results = new ArrayList<>(jobs.size());
    for (JobSpec<?> job : jobs) {
      results.add(tryEnqueue(job));
    }
    return results;
  }

  private <A> EnqueueResult tryEnqueue(JobSpec<A> job) {
    return tryEnqueue(job.type(), job.args(), job.options());
  }

  /** Removes a job that is queued or delayed; false if there is none such. */
  boolean cancel(JobId id);
}
