package dev.spool;

import dev.spool.internal.queue.RedisJobStore;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch submit's claim to its batch while it records and enqueues the parts: a deadline in the
 * batch queue's {@code batch-submits} set, on Redis's clock, renewed by a thread of its own six
 * times per lease, whatever the submit's caller is doing. Should the submitting process die or
 * stall past it, a worker node of the batch's queue takes the submit over and settles the batch
 * (parts not enqueued count as failed), so that the batch still completes; the submit learns it
 * when a renewal or its end finds the deadline changed.
 */
final class BatchSubmitLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchSubmitLease.class);

  private final RedisJobStore store;
  private final String queue;
  private final String token;
  private final Duration lease;
  // A lock rather than synchronized: a renewal waits for Redis while holding it, on a virtual
  // thread, which must not pin its carrier meanwhile.
  private final ReentrantLock lock = new ReentrantLock();
  private long deadline; // as listed; guarded by lock
  private boolean lost; // guarded by lock
  private boolean unsure; // a renewal went unanswered: it may have moved the deadline; by lock
  private boolean ended; // guarded by lock
  private Thread renewer; // guarded by lock

  BatchSubmitLease(RedisJobStore store, String queue, String token, Duration lease) {
    this.store = store;
    this.queue = queue;
    this.token = token;
    this.lease = lease;
  }

  long leaseMs() {
    return lease.toMillis();
  }

  /** The lease as people read it, for messages: "1m", "300ms". */
  String leaseText() {
    return Durations.format(lease);
  }

  /** The batch's first slice listed the submit until {@code deadline}: renewals start. */
  void listed(long deadline) {
    long every = Math.max(10, lease.toMillis() / 6);
    lock.lock();
    try {
      this.deadline = deadline;
      renewer =
          Thread.ofVirtual()
              .name("spool-batch-lease-" + token)
              .start(
                  () -> {
                    try {
                      do {
                        Thread.sleep(every); // the deadline was just set
                      } while (!Thread.currentThread().isInterrupted() && renew());
                    } catch (InterruptedException e) {
                      // the submit ended
                    }
                  });
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes a later slice's call, which checks that the deadline the submit last saw is still listed
   * (else a worker node took the submit over), with no renewal meanwhile: a renewal moves the
   * deadline, and one between reading it and the call would pass for a take-over.
   */
  long withDeadline(LongUnaryOperator call) {
    lock.lock();
    try {
      resyncIfUnsure();
      return lost ? -1 : call.applyAsLong(deadline);
    } finally {
      lock.unlock();
    }
  }

  /**
   * After a renewal that went unanswered (a command timeout, say), which may have moved the
   * deadline all the same, reads the one listed: a whole number of milliseconds is this submit's
   * own (a worker node's claim lists half a millisecond more), so it is taken; none, or a claim's,
   * means a worker node has the submit. Without it, the next call would compare the old deadline
   * and take its own renewal for a take-over. Called under the lock.
   */
  private void resyncIfUnsure() {
    if (!unsure || lost) {
      return;
    }
    Double listed = store.batchSubmitDeadline(queue, token);
    unsure = false;
    if (listed == null || listed != Math.rint(listed)) {
      lost = true;
    } else {
      deadline = listed.longValue();
    }
  }

  /** A later slice found the deadline changed: a worker node has the submit now. */
  void lostToASettle() {
    locked(() -> lost = true);
  }

  boolean lost() {
    return locked(() -> lost);
  }

  /** Moves the deadline on; false once the lease is lost. A failure is tried again next time. */
  private boolean renew() {
    lock.lock();
    try {
      if (lost || ended) {
        return false;
      }
      resyncIfUnsure();
      if (lost) {
        return false;
      }
      unsure = true; // until its answer comes
      long next = store.batchSubmitRenew(queue, token, Long.toString(deadline), lease.toMillis());
      unsure = false;
      if (next == 0) {
        lost = true;
        return false;
      }
      deadline = next;
    } catch (RuntimeException e) {
      log.debug("batch {}:{}: could not renew its submit's lease: {}", queue, token, e.toString());
    } finally {
      lock.unlock();
    }
    return true;
  }

  /**
   * Ends the submit; false if a worker node took it over (it settles the batch: the record of
   * enqueued parts must then be kept).
   *
   * @throws SpoolException if Redis fails
   */
  boolean end() {
    stopRenewing();
    lock.lock();
    try {
      ended = true;
      resyncIfUnsure();
      if (lost) {
        return false;
      }
      lost = !store.batchSubmitEnd(queue, token, Long.toString(deadline));
      return !lost;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the renewals, if the submit ends without {@link #end()} (an error). */
  @Override
  public void close() {
    stopRenewing();
  }

  private void stopRenewing() {
    Thread t = locked(() -> renewer);
    if (t != null) {
      t.interrupt();
    }
  }

  private <T> T locked(java.util.function.Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }
}
