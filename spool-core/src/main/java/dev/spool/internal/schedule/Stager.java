package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.StageResult;
import dev.spool.internal.redis.FailureScope;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves delayed jobs to ready when they are due. Sleeps until the earliest due time and is woken
 * early, through pub/sub, when a job due earlier arrives: no fixed-interval polling. Every node
 * runs one; the move is atomic, so they never move a job twice.
 */
public final class Stager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stager.class);
  private static final int BATCH = 1000;

  /**
   * Stage calls a pass makes per queue at most: a backlog of millions come due at once (after
   * midnight, or a Redis that stood still) must not hold up the other queues' jobs and ticks for
   * thousands of calls. A queue left behind brings the next pass at once.
   */
  static final int SLICES_PER_QUEUE = 10;

  /** Passes {@link #catchUp} makes at most: a producer adding jobs already due cannot hold it. */
  private static final int CATCH_UP_PASSES = 1000;

  /** Re-reads the schedule at least this often, in case a wake-up was lost in a reconnect. */
  private static final long SAFETY_NET_MS = 30_000;

  private final RedisJobStore store;
  private final RecurringStore recurring;
  private final List<String> queues;
  private final Clock clock;
  private final String node;
  private final Object lock = new Object();
  private final ReentrantLock passLock = new ReentrantLock();
  private long wakeAt = Long.MAX_VALUE;
  private long announced = Long.MAX_VALUE;
  private volatile boolean running;
  private Thread thread;
  private StatefulRedisPubSubConnection<String, String> pubSub;
  private AutoCloseable reconnects = () -> {};

  /** Passes over the schedule begun (for tests: a reconnect must bring one at once). */
  private final AtomicLong passes = new AtomicLong();

  public Stager(
      RedisJobStore store,
      RecurringStore recurring,
      List<String> queues,
      Clock clock,
      String node) {
    this.store = store;
    this.recurring = recurring;
    this.queues = List.copyOf(queues);
    this.clock = clock;
    this.node = node;
  }

  public void start() {
    pubSub = store.redis().openPubSub();
    pubSub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            try {
              wake(Long.parseLong(message));
            } catch (NumberFormatException e) {
              log.debug("ignoring wake-up '{}' on {}", message, channel);
            }
          }
        });
    // Due times published while the link was down are lost: a pass over the schedule at once
    // finds them (else the safety net's, up to SAFETY_NET_MS late; a Redis restart drops every
    // node's link at the same moment).
    reconnects = store.redis().onReconnect(pubSub, () -> wake(0));
    String[] channels =
        queues.stream().map(q -> store.keys().queue(q).dueChannel()).toArray(String[]::new);
    store.redis().await(pubSub.async().subscribe(channels));
    running = true;
    thread = Thread.ofPlatform().daemon().name("spool-stager-" + node).start(this::loop);
  }

  /** A job due at {@code dueMs} was added: wake up by then. */
  void wake(long dueMs) {
    synchronized (lock) {
      announced = Math.min(announced, dueMs);
      if (dueMs < wakeAt) {
        wakeAt = dueMs;
        lock.notifyAll();
      }
    }
  }

  /**
   * Moves every due delayed job of every queue to ready and fires every due recurring tick, in
   * passes until none is left behind (for tests with a manual clock); returns the earliest due time
   * left (delayed job or tick), or -1.
   */
  public long catchUp() {
    long next = runOnce();
    for (int pass = 1; pass < CATCH_UP_PASSES && next > 0 && next <= clock.millis(); pass++) {
      next = runOnce();
    }
    return next;
  }

  /**
   * One pass: moves the due delayed jobs of every queue to ready, up to {@link #SLICES_PER_QUEUE}
   * calls each, and fires every due recurring tick; returns the earliest due time left (delayed job
   * or tick; now if a queue was left behind), or -1.
   */
  public long runOnce() {
    // One pass at a time: a stageNow that met the loop's pass halfway would leave it the ticks it
    // fires and return before they fired (at the clock that pass read).
    passLock.lock();
    try {
      return pass();
    } finally {
      passLock.unlock();
    }
  }

  private long pass() {
    passes.incrementAndGet();
    long next = -1;
    for (String queue : queues) {
      try {
        StageResult r;
        int slices = 0;
        do {
          r = store.stage(queue, Micros.now(clock), BATCH);
        } while (r.moved() == BATCH && ++slices < SLICES_PER_QUEUE);
        next = earliest(next, r.moved() == BATCH ? clock.millis() : r.nextDueMs());
        next = earliest(next, recurring.fireDue(queue, Micros.now(clock)));
      } catch (RuntimeException e) {
        if (FailureScope.wholeRedis(e)) {
          throw e; // the caller backs off
        }
        // One queue's refusal (a key of another type, say) must not hold up the queues after it.
        log.warn(
            "node {}: staging queue {} failed, retrying in {} s: {}",
            node,
            queue,
            FailureScope.RETRY_REFUSED_MS / 1000,
            e.getMessage());
        next = earliest(next, clock.millis() + FailureScope.RETRY_REFUSED_MS);
      }
    }
    return next;
  }

  private static long earliest(long a, long b) {
    if (b <= 0) {
      return a;
    }
    return a < 0 ? b : Math.min(a, b);
  }

  private void loop() {
    long backoffMs = 0;
    while (running) {
      synchronized (lock) {
        announced = Long.MAX_VALUE; // wake-ups from here on are not seen by this pass
      }
      long next;
      try {
        // A test's stageNow may hold the pass: a close meanwhile interrupts the wait, and a pass
        // of a node that stopped (or halted, as a crash) is not made after it.
        passLock.lockInterruptibly();
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!running) {
          return;
        }
        next = pass();
        backoffMs = 0;
      } catch (RuntimeException e) {
        if (!running) {
          return; // closed while it waited for Redis: an interrupt, not a failure
        }
        backoffMs = backoffMs == 0 ? 100 : Math.min(backoffMs * 2, 5_000);
        store
            .redis()
            .logFailure(
                log,
                "node {}: staging delayed jobs failed, retrying in {} ms: {}",
                node,
                backoffMs,
                e.getMessage());
        next = clock.millis() + backoffMs;
      } finally {
        passLock.unlock();
      }
      synchronized (lock) {
        wakeAt = Math.min(clock.millis() + SAFETY_NET_MS, announced);
        if (next > 0) {
          wakeAt = Math.min(wakeAt, next);
        }
        while (running) {
          long waitMs = wakeAt - clock.millis();
          if (waitMs <= 0) {
            break;
          }
          try {
            lock.wait(waitMs);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  /** Passes over the schedule begun so far. */
  public long passes() {
    return passes.get();
  }

  private void stopHearingReconnects() {
    try {
      reconnects.close();
    } catch (Exception e) {
      log.debug("node {}: stager: {}", node, e.getMessage());
    }
  }

  @Override
  public void close() {
    running = false;
    stopHearingReconnects();
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (pubSub != null) {
      pubSub.close();
    }
  }

  /** Stops at once, for crash tests. */
  public void halt() {
    running = false;
    stopHearingReconnects();
    if (thread != null) {
      thread.interrupt();
    }
    if (pubSub != null) {
      pubSub.closeAsync();
    }
  }
}
