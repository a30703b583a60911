package dev.spool.internal.queue;

/**
 * A job about to be enqueued, already encoded.
 *
 * @param template the fields it shares with other jobs of the same enqueue
 * @param args its arguments as JSON
 * @param lock its stored unique lock spec ({@code LockSpec.stored()}) if its template is unique
 * @param batchPart the batch part it is ({@code "<queue>|<token>|<part>"}) if its template is
 * @param concurrencyLimit {@code "<max>|<name>"}, or "" (only read if its template is limited)
 * @param rateLimit {@code "<max>|<per ms>|<name>"}, or "" (only read if its template is limited)
 */
public record NewJob(
    JobTemplate template,
    String args,
    String lock,
    String batchPart,
    String concurrencyLimit,
    String rateLimit) {
  public NewJob(JobTemplate template, String args, String lock, String batchPart) {
    this(template, args, lock, batchPart, "", "");
  }
}
