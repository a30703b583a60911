package dev.spool.internal.queue;

/**
 * A failed attempt to record.
 *
 * @param job the job as the node fetched it: its number, attempt and recorded time tell the script
 *     whether the node still holds that attempt of that job
 * @param errorJson the error as a JSON object
 * @param retryAtMs when to run again, {@link #DEAD} when the job is dead, or {@link #KILLED} when a
 *     kill request ended it
 */
public record Failure(FetchedJob job, String errorJson, long retryAtMs) {
  public static final long DEAD = -1;
  public static final long KILLED = -2;

  public boolean dead() {
    return retryAtMs == DEAD;
  }

  public boolean killed() {
    return retryAtMs == KILLED;
  }
}
