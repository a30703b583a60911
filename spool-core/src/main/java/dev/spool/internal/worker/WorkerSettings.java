package dev.spool.internal.worker;

import dev.spool.internal.observe.Observers;
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
    HandlerRegistry handlers,
    Observers observers) {
  public WorkerSettings {
    queues = List.copyOf(queues);
  }

  /** These settings, with the listeners and interceptors of the Spool that starts the node. */
  public WorkerSettings observedBy(Observers observers) {
    return new WorkerSettings(
        name, queues, concurrency, lease, shutdownTimeout, affinityFallback, handlers, observers);
  }
}
