package dev.spool;

import java.util.List;
import java.util.Optional;

/**
 * An enqueue ran on the Redis master, but fewer replicas than {@link
 * Spool.Builder#waitForReplicas(int, java.time.Duration)} asks for confirmed it within its timeout.
 * The job <em>is</em> queued and runs, unless the master fails before a replica has it: then the
 * replica promoted in its place never heard of it. Whether it survives is unknown, as for its
 * parent {@link EnqueueOutcomeUnknownException}: enqueuing it again may run it twice; look for it
 * first (its id is known: {@link #jobIds()}), or make it a {@link Unique unique job}.
 */
public class EnqueueNotReplicatedException extends EnqueueOutcomeUnknownException {
  private final List<JobId> jobIds;

  public EnqueueNotReplicatedException(
      String message, String queue, int jobs, List<JobId> jobIds, Throwable cause) {
    super(message, queue, jobs, cause);
    this.jobIds = List.copyOf(jobIds);
  }

  /** The jobs this command queued on the master (not those refused by a unique lock). */
  public List<JobId> jobIds() {
    return jobIds;
  }

  /** The first job this command queued on the master. */
  @Override
  public Optional<JobId> jobId() {
    return jobIds.stream().findFirst();
  }
}
