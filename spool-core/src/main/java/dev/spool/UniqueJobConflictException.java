package dev.spool;

/**
 * A unique job met a lock held by another job: at an enqueue whose {@link OnConflict} is {@code
 * RAISE}, or at {@link DeadJobs#retry(JobId)} of a dead job whose lock another job took meanwhile
 * (the dead job stays dead rather than run beside its duplicate).
 */
public class UniqueJobConflictException extends SpoolException {
  private final JobId holder;

  public UniqueJobConflictException(String type, JobId holder) {
    super("job type '" + type + "' is unique and job " + holder + " holds its lock");
    this.holder = holder;
  }

  /** For a dead job that is not retried because {@code holder} holds its lock. */
  public UniqueJobConflictException(String type, JobId holder, JobId dead) {
    super(
        "job "
            + dead
            + " stays dead: job type '"
            + type
            + "' is unique and job "
            + holder
            + " holds its lock");
    this.holder = holder;
  }

  /** The job that holds the lock. */
  public JobId holder() {
    return holder;
  }
}
