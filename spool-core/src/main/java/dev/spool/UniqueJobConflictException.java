package dev.spool;

/** A unique job met a lock held by another job, and its {@link OnConflict} is {@code RAISE}. */
public class UniqueJobConflictException extends SpoolException {
  private final JobId holder;

  public UniqueJobConflictException(String type, JobId holder) {
    super("job type '" + type + "' is unique and job " + holder + " holds its lock");
    this.holder = holder;
  }

  /** The job that holds the lock. */
  public JobId holder() {
    return holder;
  }
}
