package dev.spool;

import java.util.List;

/**
 * What a live page polls, read in one round trip: see {@link Monitor#snapshot(List)}.
 *
 * @param counts the counts of the queues asked for, in their order (a sharded queue's summed over
 *     its shards)
 * @param queues how many names the namespace's queue set holds now (each shard of a sharded queue
 *     counts, so it may differ from the length of {@link Monitor#queues()}): when it changes
 *     between two snapshots, {@link Monitor#queues()} may have changed
 * @param version the sum over the queues asked for of the jobs ever enqueued, succeeded and failed
 *     (attempts): it grows with every such event, so an unchanged version and unchanged counts mean
 *     nothing happened worth a refresh (progress and hand-made status edits aside)
 */
public record QueuesSnapshot(List<QueueCounts> counts, long queues, long version) {
  public QueuesSnapshot {
    counts = List.copyOf(counts);
  }
}
