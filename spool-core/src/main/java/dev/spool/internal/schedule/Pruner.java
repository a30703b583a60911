package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished statuses older than the retention, with their index entries, and dead jobs
 * beyond the dead set's bounds, so Redis memory stays bounded under a steady load. Safe to run on
 * every node at once; one node per queue, elected, does it.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  /** Statuses one script call deletes at most: a slice that keeps each call well under 5 ms. */
  public static final int BATCH = 100;

  private final StatusStore store;
  private final DeadSetTrim deadSet;
  private final Clock clock;
  private final Duration retention;

  /** Trims a queue's dead set to its bounds: {@code RedisJobStore::trimDead}. */
  @FunctionalInterface
  public interface DeadSetTrim {
    /** Deletes up to {@code max} dead jobs beyond the bounds; returns how many went. */
    long trim(String queue, long nowMs, int max);
  }

  public Pruner(StatusStore store, DeadSetTrim deadSet, Clock clock, Duration retention) {
    this.store = store;
    this.deadSet = deadSet;
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
    // Deaths by a failed attempt trim the dead set themselves; these catch the others (expired
    // leases, corrupt jobs) and dead jobs that age out while nothing dies.
    long dead = deadSet.trim(queue, clock.millis(), BATCH);
    if (dead > 0) {
      log.debug("queue {}: deleted {} dead jobs beyond the dead set's bounds", queue, dead);
    }
    return n == BATCH || dead == BATCH;
  }
}
