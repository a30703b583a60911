package dev.spool.internal.worker;

import java.time.Duration;
import java.util.List;

/** Everything a worker node is configured with. */
public record WorkerSettings(
    String name,
    List<String> queues,
    int concurrency,
    Duration lease,
    Duration shutdownTimeout,
    Duration affinityFallback,
    HandlerRegistry handlers) {
  public WorkerSettings {
    queues = List.copyOf(queues);
  }

  /** These settings with other queues (a sharded queue's shards in its place). */
  public WorkerSettings withQueues(List<String> physical) {
    return new WorkerSettings(
        name, physical, concurrency, lease, shutdownTimeout, affinityFallback, handlers);
  }
}
