package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.JobStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns jobs whose lease expired (their node died or stalled) to their queue, attempt + 1, or to
 * the dead set when their retries are used up. Safe to run on every node at once; one node per
 * queue, elected, does it.
 */
public final class Reaper {
  private static final Logger log = LoggerFactory.getLogger(Reaper.class);

  /** Jobs one script call recovers at most: a slice that keeps each call well under 5 ms. */
  public static final int BATCH = 50;

  private final JobStore store;
  private final Clock clock;
  private final long maxSilenceMs;
  private final long graceMs;

  /**
   * A reaper called every {@code period}: a call after three periods of silence from the queue's
   * reapers (Redis stood still, restarted or failed over, or the lead changed hands) only notes the
   * time, and so do the calls of the {@code grace} after it, so that live nodes renew their leases
   * before anything is reaped: the heartbeats a frozen Redis held land first, but those a restarted
   * one refused come only at each node's next beat (a quarter of its lease).
   */
  public Reaper(JobStore store, Clock clock, Duration period, Duration grace) {
    this.store = store;
    this.clock = clock;
    this.maxSilenceMs = 3 * period.toMillis();
    this.graceMs = grace.toMillis();
  }

  /**
   * Reaps one batch of one queue: a call bounded by the batch, so that a backlog is worked off in
   * short steps. Returns true if the batch was full (more may be waiting).
   */
  public boolean runBatch(String queue) {
    // {requeued, dead, killed (their kill was requested), leases taken off}
    long[] r = store.reap(queue, Micros.now(clock), BATCH, maxSilenceMs, graceMs);
    if (r[0] + r[1] + r[2] > 0) {
      log.info(
          "queue {}: recovered {} jobs with expired leases ({} dead, {} killed as requested)",
          queue,
          r[0] + r[1] + r[2],
          r[1],
          r[2]);
    }
    if (r[1] > 0) {
      // A death is worth a warning wherever it happens, as a node warns of the jobs that die on
      // it: these died with their node, during their last allowed attempt.
      log.warn(
          "queue {}: {} dead: their node died (or stalled past the lease) during their"
              + " last allowed attempt; `spool dead list --queue {}` shows them",
          queue,
          r[1] == 1 ? "1 job is" : r[1] + " jobs are",
          queue);
    }
    return r[3] == BATCH;
  }
}
