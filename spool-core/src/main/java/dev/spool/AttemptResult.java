package dev.spool;

/**
 * How one attempt of a job ended, as told to {@link JobListener#finished}. Every attempt told as
 * {@link JobListener#started} ends with exactly one of these, so attempts in flight are those
 * started less those finished. More constants may be added: a {@code switch} over it needs a {@code
 * default} branch.
 */
public enum AttemptResult {
  /** The handler and its callbacks returned. */
  SUCCEEDED,
  /**
   * The attempt failed and the job will run again after its retry delay; unless its kill was
   * requested while the attempt ran, which Redis finds as it records the retry: the job ends killed
   * then.
   */
  RETRIED,
  /** The attempt failed and the job has no attempt left (or cannot run at all): dead set. */
  DEAD,
  /** A kill request (or a stopped batch) ended the attempt. */
  KILLED,
  /**
   * The node stopped while the handler ran: the job went back to its queue (its handler
   * interrupted) and runs again from there; this attempt has no outcome. A job handed back at
   * {@linkplain Worker.Builder#maxHandBacks maxHandBacks} stops already used an attempt with it, as
   * when a lease expires: it runs again at the next attempt, or went to the dead set.
   */
  HANDED_BACK,
  /**
   * The node lost the job's lease while the handler ran (it could not reach Redis for a lease): the
   * job is recovered by another node and this attempt's outcome was dropped.
   */
  ABANDONED,
  /**
   * The handler asked to run later ({@link RunLaterException}): the job waits until then without
   * using an attempt. Not a failure.
   */
  POSTPONED;

  /** Whether the attempt failed: {@link #RETRIED} or {@link #DEAD}. */
  public boolean failed() {
    return this == RETRIED || this == DEAD;
  }
}
