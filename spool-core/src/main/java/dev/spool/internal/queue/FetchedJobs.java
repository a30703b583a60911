package dev.spool.internal.queue;

import java.util.List;

/**
 * What one fetch leased, and whether the queue may hold more for the node: false when every ready
 * structure the node reads ran dry in that call (it popped fewer ids than asked for), or the queue
 * is paused or at its concurrency limit, so the node can wait for a wake-up signal instead of
 * asking again (a job made ready later, a resume and a freed slot push one).
 */
public record FetchedJobs(List<FetchedJob> jobs, boolean mayHaveMore) {}
