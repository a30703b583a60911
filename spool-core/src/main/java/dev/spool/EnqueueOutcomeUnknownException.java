package dev.spool;

import java.util.Optional;

/**
 * An enqueue was sent to Redis but no answer came back: the command timed out (a frozen or
 * overloaded Redis) or the connection dropped after the write. The job <em>may have been
 * enqueued</em>. Enqueuing it again may run it twice; to avoid that, look for it first (e.g. by
 * {@link Statuses#all() job name and arguments}), or make it a {@link Unique unique job}, whose
 * lock refuses the duplicate.
 *
 * <p>The job's id is assigned by Redis inside the enqueue, so it is known only if the answer came
 * back: {@link #jobId()} is empty here.
 */
public class EnqueueOutcomeUnknownException extends SpoolException {
  private final String queue;
  private final int jobs;

  public EnqueueOutcomeUnknownException(String message, String queue, int jobs, Throwable cause) {
    super(message, cause);
    this.queue = queue;
    this.jobs = jobs;
  }

  /** The queue the job was sent to. */
  public String queue() {
    return queue;
  }

  /** How many jobs the unanswered command carried. */
  public int jobs() {
    return jobs;
  }

  /** The id of the job, when known; Redis assigns it, so an unanswered enqueue has none. */
  public Optional<JobId> jobId() {
    return Optional.empty();
  }
}
