package dev.spool;

/**
 * The jobs of one queue by where they are.
 *
 * @param ready waiting to be fetched
 * @param delayed waiting for their due time (delayed jobs and retries)
 * @param processing held by a worker node now
 * @param completed succeeded since the queue was first used
 * @param dead in the dead set
 */
public record QueueCounts(
    String queue, long ready, long delayed, long processing, long completed, long dead) {}
