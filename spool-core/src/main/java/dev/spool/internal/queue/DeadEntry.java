package dev.spool.internal.queue;

import java.time.Instant;

/**
 * An entry of a queue's dead set: the job's number and when it died, without the job's fields.
 *
 * @param number the job number, or 0 for a member that names no job (garbage, skipped when read)
 */
public record DeadEntry(String queue, long number, Instant diedAt) {}
