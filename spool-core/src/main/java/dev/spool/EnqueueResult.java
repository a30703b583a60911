package dev.spool;

import java.util.Optional;

/**
 * What {@link Spool#tryEnqueue} did.
 *
 * @param accepted true if a new job was queued; false if a unique lock was held by another job
 * @param jobId the new job if accepted, else the job that holds the lock
 */
public record EnqueueResult(boolean accepted, JobId jobId) {
  /** The job that holds the lock, when the job was rejected. */
  public Optional<JobId> holder() {
    return accepted ? Optional.empty() : Optional.of(jobId);
  }
}
