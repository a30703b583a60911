package dev.spool;

import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.time.Duration;

/**
 * A batch submit's claim to its batch while it enqueues the parts: a deadline in the batch queue's
 * {@code batch-submits} set, moved on as the submit goes. Should the submitting process die or
 * stall past it, the batch queue's maintenance takes the submit over and settles it (parts not
 * enqueued count as failed), so that the batch still completes.
 */
final class BatchSubmitLease {
  /** How long a submit may go without renewing before it is given up for dead. */
  static final Duration LEASE = Duration.ofSeconds(60);

  /** Renewed when less than this is left: a few renewals a minute, whatever the batch's size. */
  private static final long RENEW_BELOW_MS = LEASE.toMillis() * 5 / 6;

  private final RedisJobStore store;
  private final Clock clock;
  private final String queue;
  private final String token;
  private long deadlineMs;
  private boolean lost;

  BatchSubmitLease(RedisJobStore store, Clock clock, String queue, String token) {
    this.store = store;
    this.clock = clock;
    this.queue = queue;
    this.token = token;
    this.deadlineMs = clock.millis() + LEASE.toMillis();
  }

  /** The first deadline, listed with the batch's first slice. */
  long deadlineMs() {
    return deadlineMs;
  }

  /** Moves the deadline on when it draws near; a lease taken over is left alone. */
  void renewIfDue() {
    long now = clock.millis();
    if (lost || deadlineMs - now > RENEW_BELOW_MS) {
      return;
    }
    long next = now + LEASE.toMillis();
    if (store.batchSubmitMove(queue, token, deadlineMs, next)) {
      deadlineMs = next;
    } else {
      lost = true;
    }
  }

  /**
   * Ends the submit; false if the maintenance took it over meanwhile (it settles the batch: the
   * record of enqueued parts must then be kept).
   */
  boolean end() {
    if (lost) {
      return false;
    }
    lost = !store.batchSubmitMove(queue, token, deadlineMs, 0);
    return !lost;
  }
}
