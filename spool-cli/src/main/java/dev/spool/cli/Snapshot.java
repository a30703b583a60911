package dev.spool.cli;

import dev.spool.QueueCounts;
import dev.spool.Spool;
import dev.spool.State;
import java.util.List;
import java.util.Map;

/** The demo's queues as Redis has them at one moment. */
record Snapshot(List<Queue> queues) {
  /**
   * One queue: its status string, its counts, the size of its dead set and, in a {@linkplain #full
   * full} snapshot, its killed statuses and the statuses of jobs the engine enqueued (-1 in a quick
   * one).
   */
  record Queue(
      String name, String status, QueueCounts counts, long dead, long killed, long engineMade) {
    /** Waiting or running: ready, delayed (including retries) or processing. */
    long pending() {
      return counts.ready() + counts.delayed() + counts.processing();
    }
  }

  /** The counts the live view shows, a few Redis calls per queue. */
  static Snapshot take(Spool spool, List<String> queues) {
    return new Snapshot(queues.stream().map(q -> queue(spool, q, -1, -1)).toList());
  }

  /**
   * As {@link #take}, with the statuses that tell the rest: killed jobs, and jobs of the given
   * types per queue (those the engine enqueued: recurring ticks, on-complete jobs), in any state.
   */
  static Snapshot full(Spool spool, List<String> queues, Map<String, List<String>> engineMade) {
    return new Snapshot(
        queues.stream()
            .map(
                q -> {
                  long killed = spool.statuses().where(State.KILLED).queue(q).count();
                  List<String> types = engineMade.getOrDefault(q, List.of());
                  long made =
                      types.isEmpty()
                          ? 0
                          : spool.statuses().jobName(types.toArray(String[]::new)).queue(q).count();
                  return queue(spool, q, killed, made);
                })
            .toList());
  }

  private static Queue queue(Spool spool, String q, long killed, long made) {
    return new Queue(
        q,
        spool.monitor().statusString(q),
        spool.monitor().counts(q),
        spool.deadJobs().size(q),
        killed,
        made);
  }

  Queue queue(String name) {
    return queues.stream()
        .filter(q -> q.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no queue " + name));
  }

  long completed() {
    return queues.stream().mapToLong(q -> q.counts().completed()).sum();
  }

  long dead() {
    return queues.stream().mapToLong(Queue::dead).sum();
  }

  long pending() {
    return queues.stream().mapToLong(Queue::pending).sum();
  }
}
