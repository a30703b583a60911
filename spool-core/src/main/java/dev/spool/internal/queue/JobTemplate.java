package dev.spool.internal.queue;

/**
 * What the jobs of one enqueue share (their type and options, encoded), sent once per script call
 * however many jobs use it.
 *
 * @param dueMs epoch millis when its jobs may run, or 0 for at once
 * @param options stored options JSON, "" for none
 * @param unique whether each job carries a unique lock spec
 * @param lockExpiryMs when a lock taken at enqueue expires; 0 when the lock is taken at start
 * @param batchTtlSeconds when each job is a batch part, its batch's ttl; 0 when not
 * @param expiresAtMs epoch millis after which its jobs are discarded if not started; 0 for never
 * @param limited whether each job carries its concurrency and rate limit specs
 */
public record JobTemplate(
    String type,
    int priority,
    long dueMs,
    String options,
    boolean unique,
    long lockExpiryMs,
    long batchTtlSeconds,
    Affinity affinity,
    long expiresAtMs,
    boolean limited) {}
