package dev.spool.internal.queue;

/**
 * A successful attempt to record.
 *
 * @param resultJson what the handler put into its context, as a JSON object; "" for nothing
 */
public record Success(long number, int attempt, String resultJson) {}
