package dev.spool.internal.queue;

/**
 * A failed attempt to record, or one whose handler asked to run later.
 *
 * @param job the job as the node fetched it: its number, attempt and recorded time tell the script
 *     whether the node still holds that attempt of that job
 * @param errorJson the error as a JSON object (for a postponement, why it waits)
 * @param retryAtMs when to run again, {@link #DEAD} when the job is dead, or {@link #KILLED} when a
 *     kill request ended it
 * @param postponed whether the handler asked to run again at {@code retryAtMs} without using an
 *     attempt ({@link dev.spool.RunLaterException}): no failure, no error recorded
 */
public record Failure(FetchedJob job, String errorJson, long retryAtMs, boolean postponed) {
  public static final long DEAD = -1;
  public static final long KILLED = -2;

  /** A failed attempt: retried at {@code retryAtMs}, or {@link #DEAD} or {@link #KILLED}. */
  public Failure(FetchedJob job, String errorJson, long retryAtMs) {
    this(job, errorJson, retryAtMs, false);
  }

  /** An attempt whose handler asked to run again at {@code dueMs}, with no attempt used. */
  public static Failure postponed(FetchedJob job, String reasonJson, long dueMs) {
    return new Failure(job, reasonJson, dueMs, true);
  }

  public boolean dead() {
    return retryAtMs == DEAD;
  }

  public boolean killed() {
    return retryAtMs == KILLED;
  }
}
