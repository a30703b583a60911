package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished statuses older than the retention, with their index entries, so Redis memory
 * stays bounded under a steady load. Safe to run on every node at once; one node per queue,
 * elected, does it.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  /** Statuses one script call deletes at most: a slice that keeps each call well under 5 ms. */
  public static final int BATCH = 100;

  private final StatusStore store;
  private final Clock clock;
  private final Duration retention;

  public Pruner(StatusStore store, Clock clock, Duration retention) {
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  /** How often a node prunes: a tenth of the retention, between 1 s and 1 minute. */
  public Duration interval() {
    return Duration.ofMillis(Math.clamp(retention.toMillis() / 10, 1_000, 60_000));
  }

  /**
   * Prunes one batch of one queue: a call bounded by the batch, so that a backlog is worked off in
   * short steps. Returns true if the batch was full (more may be waiting).
   */
  public boolean runBatch(String queue) {
    long cutoff = Micros.now(clock) - retention.toNanos() / 1000;
    long n = store.prune(queue, cutoff, BATCH);
    if (n > 0) {
      log.debug("queue {}: pruned {} statuses older than {}", queue, n, retention);
    }
    return n == BATCH;
  }
}
