package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished statuses older than the retention, with their index entries, so Redis memory
 * stays bounded under a steady load. Safe to run on every node at once.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  /** Statuses one script call deletes at most: a slice that keeps each call well under 5 ms. */
  public static final int BATCH = 100;

  private final StatusStore store;
  private final List<String> queues;
  private final Clock clock;
  private final Duration retention;

  public Pruner(StatusStore store, List<String> queues, Clock clock, Duration retention) {
    this.store = store;
    this.queues = List.copyOf(queues);
    this.clock = clock;
    this.retention = retention;
  }

  /** How often a node prunes: a tenth of the retention, between 1 s and 1 minute. */
  public Duration interval() {
    return Duration.ofMillis(Math.clamp(retention.toMillis() / 10, 1_000, 60_000));
  }

  /** One pass over every queue; returns the number of statuses deleted. */
  public long runOnce() {
    long cutoff = Micros.now(clock) - retention.toNanos() / 1000;
    long total = 0;
    for (String queue : queues) {
      long n;
      do {
        n = store.prune(queue, cutoff, BATCH);
        total += n;
      } while (n == BATCH);
    }
    if (total > 0) {
      log.debug("pruned {} statuses older than {}", total, retention);
    }
    return total;
  }
}
