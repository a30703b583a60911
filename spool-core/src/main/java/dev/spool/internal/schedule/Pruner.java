package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished statuses older than the retention, with their index entries, and dead jobs
 * beyond the dead set's bounds, so Redis memory stays bounded under a steady load; and sweeps the
 * directory of status buckets that queries walk, a slice at a time. Safe to run on every node at
 * once; one node per queue, elected, does it.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  /** Statuses one script call deletes at most: a slice that keeps each call well under 5 ms. */
  public static final int BATCH = 100;

  /**
   * Status buckets one step of the index sweep checks, a command of seven keys each (3–7 µs of
   * Redis time on a quiet 2-core machine): well under a millisecond per call. A sweep of a history
   * of 50 M job numbers (100 000 buckets) takes about 3 000 such calls, 0.3–0.7 s of Redis time.
   */
  public static final int SWEEP_BUCKETS = 32;

  /**
   * Time from the end of one index sweep of a queue to the start of the next: how late, at most,
   * the sweep repairs a bucket that was written behind the directory's back.
   */
  public static final Duration SWEEP_PERIOD = Duration.ofHours(1);

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
    // Last, so that a failure here (Redis at maxmemory refusing a new directory entry) never
    // holds back the deletions above.
    long swept = store.sweepIndex(queue, SWEEP_BUCKETS, SWEEP_PERIOD);
    return n == BATCH || dead == BATCH || swept == SWEEP_BUCKETS;
  }
}
