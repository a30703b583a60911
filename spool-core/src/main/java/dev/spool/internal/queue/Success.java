package dev.spool.internal.queue;

/**
 * A successful attempt to record.
 *
 * @param job the job as the node fetched it: its number, attempt and recorded time tell the script
 *     whether the node still holds that attempt of that job
 * @param resultJson what the handler put into its context, as a JSON object; "" for nothing
 */
public record Success(FetchedJob job, String resultJson) {}
