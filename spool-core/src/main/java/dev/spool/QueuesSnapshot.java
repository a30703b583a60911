package dev.spool;

import java.util.List;

/**
 * What a live page polls, read in one round trip: see {@link Monitor#snapshot(List)}.
 *
 * @param counts the counts of the queues asked for, in their order
 * @param queues how many queues the namespace has now: when it differs from the number asked for,
 *     {@link Monitor#queues()} has changed
 * @param version the sum over the queues asked for of the jobs ever enqueued, succeeded and failed
 *     (attempts): it grows with every such event, so an unchanged version and unchanged counts mean
 *     nothing happened worth a refresh (progress and hand-made status edits aside)
 */
public record QueuesSnapshot(List<QueueCounts> counts, long queues, long version) {
  public QueuesSnapshot {
    counts = List.copyOf(counts);
  }
}
