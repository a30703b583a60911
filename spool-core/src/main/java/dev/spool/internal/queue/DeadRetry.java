package dev.spool.internal.queue;

import dev.spool.UniqueJobConflictException;
import java.util.List;

/**
 * What one retry of dead jobs did: how many it requeued, and the jobs it left dead because another
 * job holds their unique lock (a retry must not run a job beside its duplicate).
 */
public record DeadRetry(long requeued, List<UniqueJobConflictException> held) {}
