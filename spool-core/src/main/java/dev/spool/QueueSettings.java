package dev.spool;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an operator set on a queue: whether it is paused, and its limits (of a sharded queue, as
 * {@link QueueControl} reads them back: a shard's part).
 *
 * @param concurrencyLimit jobs of the queue that may run at once on all nodes, if limited
 * @param rateLimit starts allowed per window (with no key), if limited
 */
public record QueueSettings(
    String queue,
    boolean paused,
    OptionalInt concurrencyLimit,
    Optional<RateLimit<Object>> rateLimit) {
  public QueueSettings {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(concurrencyLimit, "concurrencyLimit");
    Objects.requireNonNull(rateLimit, "rateLimit");
  }
}
