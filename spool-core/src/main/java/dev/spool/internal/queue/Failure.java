package dev.spool.internal.queue;

/**
 * A failed attempt to record.
 *
 * @param errorJson the error as a JSON object
 * @param retryAtMs when to run again, or -1 when the job is dead
 */
public record Failure(long number, int attempt, String errorJson, long retryAtMs) {
  public boolean dead() {
    return retryAtMs < 0;
  }
}
