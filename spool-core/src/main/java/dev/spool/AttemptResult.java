package dev.spool;

/** How one attempt of a job ended, as told to {@link JobListener#finished}. */
public enum AttemptResult {
  /** The handler and its callbacks returned. */
  SUCCEEDED,
  /** The attempt failed and the job will run again after its retry delay. */
  RETRIED,
  /** The attempt failed and the job has no attempt left (or cannot run at all): dead set. */
  DEAD,
  /** A kill request (or a stopped batch) ended the attempt. */
  KILLED;

  /** Whether the attempt failed: {@link #RETRIED} or {@link #DEAD}. */
  public boolean failed() {
    return this == RETRIED || this == DEAD;
  }
}
