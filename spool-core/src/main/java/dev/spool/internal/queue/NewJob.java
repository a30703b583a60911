package dev.spool.internal.queue;

/**
 * A job about to be enqueued, already encoded.
 *
 * @param dueMs epoch millis when it may run, or 0 for at once
 * @param options stored options JSON, "" for none
 */
public record NewJob(String type, String args, int priority, long dueMs, String options) {}
