package dev.spool.internal.worker;

import java.time.Duration;
import java.util.List;

/**
 * Everything a worker node is configured with.
 *
 * @param fetchOrder its queues, and whether it fetches from them in strict order or by weight
 */
public record WorkerSettings(
    String name,
    FetchOrder fetchOrder,
    int concurrency,
    Duration lease,
    Duration shutdownTimeout,
    Duration affinityFallback,
    HandlerRegistry handlers) {
  /** The queues it fetches from, in the order they were listed. */
  public List<String> queues() {
    return fetchOrder.queues();
  }
}
