package dev.spool.internal.queue;

/**
 * A job about to be enqueued, already encoded.
 *
 * @param dueMs epoch millis when it may run, or 0 for at once
 * @param options stored options JSON, "" for none
 * @param lock the stored unique lock spec ({@code LockSpec.stored()}), "" for none
 * @param lockExpiryMs when the lock taken at enqueue expires, or 0 when none is taken then
 * @param batchPart the batch part the job is ({@code "<queue>|<token>|<part>"}), "" for none
 * @param affinity {@code "<node>|<strict 0/1>|<not node>"}, "" for none
 */
public record NewJob(
    String type,
    String args,
    int priority,
    long dueMs,
    String options,
    String lock,
    long lockExpiryMs,
    String batchPart,
    String affinity) {}
