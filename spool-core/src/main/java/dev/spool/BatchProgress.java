package dev.spool;

/**
 * Where a batch stands.
 *
 * @param total parts in the batch
 * @param pending parts that have not run to an end yet
 * @param succeeded parts that succeeded
 * @param failed parts that died (retries used up) or were killed
 * @param finished every part has run; the callbacks were enqueued
 * @param stopped the batch was stopped: parts not started yet end as killed
 */
public record BatchProgress(
    long total, long pending, long succeeded, long failed, boolean finished, boolean stopped) {}
