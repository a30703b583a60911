package dev.spool.internal.worker;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.FetchedJobs;
import dev.spool.internal.queue.Released;
import dev.spool.internal.redis.FailureScope;
import dev.spool.internal.redis.SignalWait;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases jobs for the node's free slots, up to 128 per call, across its queues in their {@link
 * FetchOrder} (strict or weighted), and hands each to the runner; with nothing to fetch, blocks on
 * the queues' wake-up signals (on a connection of its own). It is never interrupted while a fetch
 * is in flight: the jobs a fetch leased are always dispatched, so a shutdown hands them back at
 * once instead of leaving them to their lease.
 */
final class Fetcher {
  private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
  private static final int MAX_FETCH = 128;
  private static final long BLOCK_SECONDS = 2;
  private static final long STOP_BOUND_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final NodeContext node;
  private final HeldJobs held;
  private final Consumer<FetchedJob> dispatch;
  private final Object pause = new Object();
  private final SplittableRandom random = new SplittableRandom();
  private volatile boolean stopping;
  private volatile boolean quiet; // an operator's request: lease nothing, stay up
  private volatile SignalWait signals;
  private long round; // turns which shard of a sharded queue is fetched first
  private long waitBackoffMs; // the pause after a failed wait for a signal; 0 after one that ended
  private boolean mayHaveMore; // in this round, a fetch popped as many ids as it asked for
  private final Map<String, Long> refused = new HashMap<>(); // queue -> set aside until (nanos)
  private final String instance; // this run of the node, in its fetch receipts
  private long calls; // numbers the fetch calls' receipts
  // queue -> receipt of a fetch call whose answer never came: its jobs are reclaimed at the top of
  // the fetcher's loop (only the fetcher's thread, and a stop after it ended, touch it)
  private final Map<String, String> unanswered = new HashMap<>();
  private Thread thread;

  Fetcher(NodeContext node, HeldJobs held, String instance, Consumer<FetchedJob> dispatch) {
    this.node = node;
    this.held = held;
    this.instance = instance;
    this.dispatch = dispatch;
  }

  void start() {
    List<String> lists =
        node.settings().queues().stream()
            .flatMap(
                q -> {
                  var keys = node.store().keys().queue(q);
                  return Stream.of(keys.signalOf(node.name()), keys.signal());
                })
            .toList();
    signals = node.store().redis().openSignalWait(lists, BLOCK_SECONDS);
    thread = Thread.ofPlatform().name("spool-fetch-" + node.name()).daemon().start(this::loop);
  }

  /** Leases nothing while quiet, or again once not; returns whether that changed anything. */
  boolean quiet(boolean on) {
    if (quiet == on) {
      return false;
    }
    quiet = on;
    synchronized (pause) {
      pause.notifyAll();
    }
    return true;
  }

  private void loop() {
    long backoffMs = 0;
    while (!stopping) {
      // Before anything else, quiet or not, slots free or not: the queue of a lost answer may not
      // be asked again soon (others fill the slots, or the node is quiet), and its jobs must not
      // wait for their lease meanwhile.
      if (!unanswered.isEmpty()) {
        try {
          reclaimAll();
        } catch (RuntimeException e) {
          backoffMs = backoffMs == 0 ? 100 : Math.min(backoffMs * 2, 5_000);
          node.store()
              .redis()
              .logFailure(
                  log,
                  "node {}: handing back the jobs of a fetch whose answer was lost failed,"
                      + " retrying in {} ms: {}",
                  node.name(),
                  backoffMs,
                  e.getMessage());
          pause(backoffMs);
          continue;
        }
      }
      if (quiet) {
        awaitNotQuiet();
        continue;
      }
      int want;
      try {
        want = held.takeSlots(MAX_FETCH);
      } catch (InterruptedException e) {
        return;
      }
      if (stopping || quiet) {
        held.returnSlots(want);
        continue; // the loop's head stops or waits
      }
      int got = 0;
      mayHaveMore = false;
      try {
        FetchOrder order = node.settings().fetchOrder();
        Set<String> drained = order.isWeighted() ? new HashSet<>() : Set.of();
        for (FetchOrder.Step step : order.shares(want, random, round++)) {
          if (got == want || stopping) {
            break;
          }
          int ask = Math.min(step.max(), want - got);
          int n = fetchAndDispatch(step.queue(), ask);
          got += n;
          if (n < ask && order.isWeighted()) {
            drained.add(step.queue()); // no more jobs there for the leftover pass
          }
        }
        for (String queue : order.leftoverOrder(random)) {
          if (got == want || stopping) {
            break;
          }
          if (!drained.contains(queue)) {
            got += fetchAndDispatch(queue, want - got);
          }
        }
        backoffMs = 0;
      } catch (RuntimeException e) {
        held.returnSlots(want - got);
        if (stopping) {
          return;
        }
        backoffMs = backoffMs == 0 ? 100 : Math.min(backoffMs * 2, 5_000);
        node.store()
            .redis()
            .logFailure(
                log,
                "node {}: fetch failed, retrying in {} ms: {}",
                node.name(),
                backoffMs,
                e.getMessage());
        pause(backoffMs);
        continue;
      }
      held.returnSlots(want - got);
      // Every queue asked ran dry in this round (each popped fewer ids than it was asked for, or
      // was paused or at its concurrency limit): a job made ready from now on, a resume or a freed
      // slot pushes a wake-up signal, so asking again at once would only find nothing. A round
      // that popped a full batch but started none of it (parked, expired, rejected) asks again.
      if (got < want && !mayHaveMore && !stopping) {
        awaitSignal();
      }
    }
  }

  private int fetchAndDispatch(String queue, int max) {
    Long asideUntil = refused.get(queue);
    if (asideUntil != null) {
      if (System.nanoTime() - asideUntil < 0) {
        return 0;
      }
      refused.remove(queue);
    }
    FetchedJobs fetched;
    try {
      String receipt = instance + "|" + ++calls;
      try {
        fetched = fetch(queue, max, receipt);
      } catch (RuntimeException e) {
        // It may have leased jobs all the same (run, its answer lost; or yet to run).
        unanswered.put(queue, receipt);
        throw e;
      }
    } catch (RuntimeException e) {
      if (FailureScope.wholeRedis(e)) {
        throw e; // every queue would fail alike: the round backs off
      }
      // This queue's refusal (a key of another type, say) must not hold up the queues after it.
      refused.put(
          queue, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FailureScope.RETRY_REFUSED_MS));
      log.warn(
          "node {}: fetching from queue {} failed, trying it again in {} s: {}",
          node.name(),
          queue,
          FailureScope.RETRY_REFUSED_MS / 1000,
          e.getMessage());
      return 0;
    }
    mayHaveMore |= fetched.mayHaveMore();
    fetched.jobs().forEach(dispatch); // even when stopping: these jobs are leased to this node now
    return fetched.jobs().size();
  }

  /** The one call that leases jobs. */
  private FetchedJobs fetch(String queue, int max, String receipt) {
    long now = Micros.now(node.clock());
    // The lease's deadline is set on Redis's clock: skewed node clocks cannot reap healthy jobs.
    return node.store()
        .fetchJobs(queue, node.name(), now, node.settings().lease().toMillis(), max, receipt);
  }

  /**
   * Hands back the jobs of the queue's fetch call whose answer never came, if there was one: at
   * once, without using an attempt (they never ran), rather than leaving them to their lease.
   * Throws if Redis cannot be asked; the call stays to be reclaimed.
   */
  private void reclaim(String queue) {
    String receipt = unanswered.get(queue);
    if (receipt == null) {
      return;
    }
    Released r =
        node.store()
            .reclaim(
                queue,
                node.name(),
                receipt,
                Micros.now(node.clock()),
                node.settings().lease().toMillis());
    unanswered.remove(queue);
    if (r.handedBack() + r.killed() > 0) {
      log.info(
          "node {}: the answer to a fetch from queue {} was lost; its {} job(s) went back to the"
              + " queue without using an attempt{}",
          node.name(),
          queue,
          r.handedBack(),
          r.killed() > 0 ? " (" + r.killed() + " killed as requested)" : "");
    }
  }

  /**
   * At a stop, after the fetcher's loop ended: reclaims every fetch call whose answer never came,
   * so that its jobs wait for no lease. Failures are left to the leases.
   */
  void reclaimUnanswered() {
    if (thread != null && thread.isAlive()) {
      return; // it did not stop in time: the map is its own
    }
    try {
      reclaimAll();
    } catch (RuntimeException e) {
      log.debug(
          "node {}: could not hand back the jobs of a fetch whose answer was lost (left to their"
              + " lease): {}",
          node.name(),
          e.getMessage());
    }
  }

  /**
   * Reclaims every queue's lost fetch call. Redis away: throws at once, the rest stay to be
   * reclaimed (each would wait out its timeout too). A call refused for its queue's own reason is
   * given up, its jobs left to their lease, so that it never holds up the node's fetching.
   */
  private void reclaimAll() {
    for (String queue : List.copyOf(unanswered.keySet())) {
      try {
        reclaim(queue);
      } catch (RuntimeException e) {
        if (FailureScope.wholeRedis(e)) {
          throw e;
        }
        unanswered.remove(queue);
        log.warn(
            "node {}: could not hand back the jobs of a fetch from queue {} whose answer was lost;"
                + " they wait for their lease: {}",
            node.name(),
            queue,
            e.getMessage());
      }
    }
  }

  /**
   * Blocks until a queue signals new work (or a short bound passes, as a safety net). A wait that
   * fails is followed by a pause, 200 ms at first, doubling up to that bound while the waits keep
   * failing (a Redis that refuses the wait's connection, say): an idle node does not poll.
   */
  private void awaitSignal() {
    try {
      signals.await();
      waitBackoffMs = 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    } catch (RuntimeException e) {
      if (stopping) {
        return;
      }
      if (waitBackoffMs == 0) {
        waitBackoffMs = 200;
        node.store()
            .redis()
            .logFailure(
                log,
                "node {}: the wait for new jobs failed, fetching again in {} ms: {}",
                node.name(),
                waitBackoffMs,
                e.getMessage());
      } else {
        waitBackoffMs = Math.min(waitBackoffMs * 2, TimeUnit.SECONDS.toMillis(BLOCK_SECONDS));
        log.debug("node {}: the wait for new jobs failed again: {}", node.name(), e.getMessage());
      }
      pause(waitBackoffMs);
    }
  }

  private void pause(long ms) {
    synchronized (pause) {
      if (stopping) {
        return;
      }
      try {
        pause.wait(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits, without asking Redis, until the node is no longer quiet or stops. */
  private void awaitNotQuiet() {
    synchronized (pause) {
      while (quiet && !stopping) {
        try {
          pause.wait();
        } catch (InterruptedException e) {
          return; // nothing interrupts this thread; the loop's head decides (the flag is clear)
        }
      }
    }
  }

  /**
   * Stops fetching and waits until the fetcher is out of its loop: a fetch in flight completes and
   * its jobs are dispatched; a wait for a signal or a slot is ended.
   */
  void stop() {
    if (thread == null) {
      return;
    }
    stopping = true;
    held.wakeFetcher();
    synchronized (pause) {
      pause.notifyAll();
    }
    long deadline = System.nanoTime() + STOP_BOUND_NANOS;
    try {
      while (thread.isAlive() && System.nanoTime() < deadline) {
        unblock();
        thread.join(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("node {}: the fetcher did not stop in time; interrupting it", node.name());
      thread.interrupt();
    }
  }

  /** Stops at once, as a crash would (for tests). */
  void halt() {
    stopping = true;
    if (thread != null) {
      thread.interrupt();
      unblock();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Ends the fetcher's wait for a signal, if it is in one. */
  private void unblock() {
    try {
      if (signals != null) {
        signals.unblock();
      }
    } catch (RuntimeException e) {
      log.debug("node {}: unblock failed: {}", node.name(), e.getMessage());
    }
  }

  void closeConnection() {
    if (signals != null) {
      try {
        signals.close();
      } catch (RuntimeException e) {
        log.debug("node {}: closing connection failed: {}", node.name(), e.getMessage());
      }
    }
  }
}
