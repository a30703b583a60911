package dev.spool.internal.queue;

/**
 * What one stage step did.
 *
 * @param moved delayed jobs moved to ready
 * @param nextDueMs due time of the earliest job still delayed, or -1 if none
 */
public record StageResult(long moved, long nextDueMs) {}
