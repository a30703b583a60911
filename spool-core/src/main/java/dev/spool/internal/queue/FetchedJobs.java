package dev.spool.internal.queue;

import java.util.List;

/**
 * What one fetch leased, and whether the queue may hold more for the node: false when every ready
 * structure the node reads ran dry in that call, so the node can wait for a wake-up signal instead
 * of asking again (a job made ready later pushes one).
 */
public record FetchedJobs(List<FetchedJob> jobs, boolean mayHaveMore) {}
