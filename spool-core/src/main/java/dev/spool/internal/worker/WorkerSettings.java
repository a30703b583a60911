package dev.spool.internal.worker;

import dev.spool.Retry;
import dev.spool.internal.observe.Observers;
import dev.spool.internal.redis.QueueShards;
import java.time.Duration;
import java.util.List;

/**
 * Everything a worker node is configured with.
 *
 * @param fetchOrder its queues, and whether it fetches from them in strict order or by weight
 * @param platformThreads handlers run on platform threads instead of virtual ones
 * @param maxHandBacks hand-backs at stops a job may have without using an attempt
 * @param defaultRetry the retry policy of jobs stored with none whose type this node registered
 *     without one: the Spool's {@code defaultRetry}
 */
public record WorkerSettings(
    String name,
    FetchOrder fetchOrder,
    int concurrency,
    Duration lease,
    Duration shutdownTimeout,
    Duration affinityFallback,
    boolean platformThreads,
    int maxHandBacks,
    HandlerRegistry handlers,
    Observers observers,
    Retry defaultRetry) {
  /** The queues it fetches from, in the order they were listed. */
  public List<String> queues() {
    return fetchOrder.queues();
  }

  /** These settings with each sharded queue's shards in its place. */
  public WorkerSettings withShards(QueueShards shards) {
    return new WorkerSettings(
        name,
        fetchOrder.withShards(shards),
        concurrency,
        lease,
        shutdownTimeout,
        affinityFallback,
        platformThreads,
        maxHandBacks,
        handlers,
        observers,
        defaultRetry);
  }

  /**
   * These settings, with the listeners, interceptors and default retry policy of the Spool that
   * starts the node.
   */
  public WorkerSettings of(Observers observers, Retry defaultRetry) {
    return new WorkerSettings(
        name,
        fetchOrder,
        concurrency,
        lease,
        shutdownTimeout,
        affinityFallback,
        platformThreads,
        maxHandBacks,
        handlers,
        observers,
        defaultRetry);
  }
}
