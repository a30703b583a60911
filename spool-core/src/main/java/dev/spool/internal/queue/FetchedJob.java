package dev.spool.internal.queue;

import dev.spool.JobId;

/**
 * A job a node has just leased, as stored. Fields may be null when the stored job is malformed
 * (written by hand or by another tool); the worker then sends it to the dead set.
 *
 * @param budgetStart the attempt from which the current retry budget counts (0 unless the job was
 *     retried by hand from the dead set)
 * @param recordedAtMicros when it was enqueued, µs since the epoch (0 if unknown)
 * @param lockHolder the job holding its while-executing lock, when its conflict strategy is to
 *     raise; "" when it may run
 */
public record FetchedJob(
    JobId id,
    String type,
    String args,
    int attempt,
    int budgetStart,
    String options,
    long recordedAtMicros,
    String lockHolder,
    String batchPart) {}
