package dev.spool.cli;

import dev.spool.QueueCounts;
import dev.spool.Spool;
import java.util.List;

/** The demo's queues as Redis has them at one moment. */
record Snapshot(List<Queue> queues) {
  /** One queue: its status string, its counts, and the size of its dead set. */
  record Queue(String name, String status, QueueCounts counts, long dead) {
    /** Waiting or running: ready, delayed (including retries) or processing. */
    long pending() {
      return counts.ready() + counts.delayed() + counts.processing();
    }
  }

  static Snapshot take(Spool spool, List<String> queues) {
    return new Snapshot(
        queues.stream()
            .map(
                q ->
                    new Queue(
                        q,
                        spool.monitor().statusString(q),
                        spool.monitor().counts(q),
                        spool.deadJobs().size(q)))
            .toList());
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
