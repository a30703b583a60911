package dev.spool.internal.queue;

/**
 * A job about to be enqueued, already encoded.
 *
 * @param template the fields it shares with other jobs of the same enqueue
 * @param args its arguments as JSON
 * @param lock its stored unique lock spec ({@code LockSpec.stored()}) if its template is unique
 * @param batchPart the batch part it is ({@code "<queue>|<token>|<part>"}) if its template is
 */
public record NewJob(JobTemplate template, String args, String lock, String batchPart) {}
