package dev.spool.internal.worker;

import dev.spool.internal.node.LeaderLease;
import dev.spool.internal.schedule.IndexSweep;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.schedule.Reaper;
import dev.spool.internal.schedule.StalledBatchSubmits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's share of the cluster's upkeep, on a thread of its own: reaping expired leases, routing
 * pinned jobs of dead or saturated nodes, pruning old statuses, sweeping the status buckets'
 * directory, settling batch submits whose process died midway. Each duty of each queue is done by
 * one elected node (the holder of a leader key), the others stand by and take over when its lead
 * lapses. Each call does one bounded batch, and a backlog is worked off batch by batch, in turn
 * with the other duties; periods are jittered so that nodes do not act in lockstep.
 */
final class Maintenance {
  private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

  /** A maintenance duty; its name is in the leader key. */
  enum Duty {
    REAP,
    ROUTE,
    PRUNE,
    SWEEP,
    SETTLE;

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One duty on one queue, and when it is due next ({@link System#nanoTime()}). */
  private static final class Task {
    final Duty duty;
    final String queue;
    final long intervalMs;
    long dueNanos;
    volatile boolean leading;

    /**
     * The last answer was that another node leads: the next ask reads the lead's remaining time
     * ({@code PTTL}) first, and asks for it only once it has lapsed.
     */
    boolean standingBy;

    Task(Duty duty, String queue, long intervalMs) {
      this.duty = duty;
      this.queue = queue;
      this.intervalMs = intervalMs;
      this.dueNanos = System.nanoTime() + jittered(intervalMs);
    }
  }

  /** How often a queue's stalled batch submits are looked for: their lease is a minute. */
  private static final long SETTLE_INTERVAL_MS = 5_000;

  private final NodeContext node;
  private final LeaderLease leads;
  private final Reaper reaper;
  private final Router router;
  private final Pruner pruner;
  private final IndexSweep sweep;
  private final StalledBatchSubmits stalledSubmits;
  private final List<Task> tasks = new ArrayList<>();
  private final Map<Duty, AtomicLong> calls = new EnumMap<>(Duty.class);

  private static final long NEVER = Long.MIN_VALUE;

  /** When this node last went over the dead nodes to forget them (nanos), {@link #NEVER} yet. */
  private final AtomicLong lastForgetNanos = new AtomicLong(NEVER);

  private volatile boolean running;
  private Thread thread;

  Maintenance(NodeContext node, LeaderLease leads, Router router, Pruner pruner, IndexSweep sweep) {
    this.node = node;
    this.leads = leads;
    this.router = router;
    this.pruner = pruner;
    this.sweep = sweep;
    this.stalledSubmits = new StalledBatchSubmits(node.store(), node.clock());
    long reap = reapIntervalMs(node.settings().lease());
    // The grace after a silence: two of this node's heartbeats (a quarter of the lease apart; one
    // of a node with a lease twice as long) and a second to reconnect. Not longer: a leader that
    // died is a silence too, and its own jobs, whose leases run out meanwhile, wait for the grace.
    Duration grace = node.settings().lease().dividedBy(2).plusSeconds(1);
    this.reaper = new Reaper(node.store(), node.clock(), Duration.ofMillis(reap), grace);
    for (String queue : node.settings().queues()) {
      tasks.add(new Task(Duty.REAP, queue, reap));
      tasks.add(new Task(Duty.ROUTE, queue, reap));
      tasks.add(new Task(Duty.PRUNE, queue, pruner.interval().toMillis()));
      tasks.add(new Task(Duty.SWEEP, queue, IndexSweep.INTERVAL.toMillis()));
      tasks.add(new Task(Duty.SETTLE, queue, SETTLE_INTERVAL_MS));
    }
    for (Duty duty : Duty.values()) {
      calls.put(duty, new AtomicLong());
    }
  }

  /**
   * A quarter of the lease, at most 1 s: a dead node's jobs are recovered soon after their lease.
   */
  static long reapIntervalMs(Duration lease) {
    return Math.clamp(lease.toMillis() / 4, 100, 1_000);
  }

  /**
   * Three periods, at least 3 s: a leader that misses a period or stalls for a moment (a GC pause,
   * a busy host) keeps its lead; a dead one is replaced within that time.
   */
  private static long leadMs(long intervalMs) {
    return Math.max(3 * intervalMs, SHORTEST_LEAD_MS);
  }

  private static final long SHORTEST_LEAD_MS = 3_000;

  /**
   * When a standby asks again, given that the lead it was refused has {@code pttlMs} left: a period
   * after that lead lapses (its leader renews each period, so a leader that died has its lead lapse
   * at most then: a standby takes over within a period of the lapse, as when it asked every
   * period), but no later than {@code max(period, 3 s)} (a lead given up on a graceful stop is
   * taken over within that, at the next period for the duties of 3 s and longer). For the duties of
   * a second or less this is one ask per lead (3 s) instead of one each period.
   */
  static long standbyWaitNanos(long intervalMs, long pttlMs) {
    long period = jittered(intervalMs);
    // A lead lasts leadMs at most: a longer TTL was written behind Spool's back (ages of it would
    // overflow below into a wait in the past, a loop of PTTLs); the standby asks leader.lua again
    // after a lead's time, as it would for a lead renewed meanwhile.
    long untilLapsed = TimeUnit.MILLISECONDS.toNanos(Math.min(pttlMs, leadMs(intervalMs))) + period;
    return Math.min(untilLapsed, Math.max(period, jittered(SHORTEST_LEAD_MS)));
  }

  /** How many batches of a duty this node ran (as leader). */
  long calls(Duty duty) {
    return calls.get(duty).get();
  }

  void start() {
    running = true;
    thread =
        Thread.ofPlatform().name("spool-maintenance-" + node.name()).daemon().start(this::loop);
  }

  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt(); // a call in flight is atomic in Redis; only its answer is not awaited
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Gives up the leads this node holds, after {@link #stop()} on a graceful stop: a standby takes
   * each duty over at its next period (a prune lead would otherwise lapse only after 3 minutes). A
   * lead that cannot be given up (Redis unreachable) lapses as a crashed node's does.
   */
  void resign() {
    for (Task task : tasks) {
      if (!task.leading) {
        continue;
      }
      try {
        leads.resign(task.queue, task.duty.key());
        task.leading = false;
      } catch (RuntimeException e) {
        log.debug(
            "node {}: could not give up the {} lead of queue {} (it will lapse): {}",
            node.name(),
            task.duty.key(),
            task.queue,
            e.getMessage());
        return; // Redis is likely down: the other leads would wait on it too
      }
    }
  }

  private void loop() {
    while (running) {
      Task next = tasks.getFirst();
      for (Task task : tasks) {
        if (task.dueNanos < next.dueNanos) {
          next = task;
        }
      }
      long waitNanos = next.dueNanos - System.nanoTime();
      if (waitNanos > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(waitNanos);
        } catch (InterruptedException e) {
          return;
        }
      }
      if (running) {
        run(next);
      }
    }
  }

  private void run(Task task) {
    boolean more = false;
    try {
      if (task.standingBy) {
        long pttl = leadLeft(task);
        if (pttl > 0) {
          // Another node leads: not asked for before it may have lapsed (one PTTL, no script).
          task.dueNanos = System.nanoTime() + standbyWaitNanos(task.intervalMs, pttl);
          return;
        }
        // Gone (-2), or a key without an expiry (-1): leader.lua takes it or sets it aside.
      }
      task.standingBy = false; // unknown until the answer below (lost on a failed call)
      task.leading = leads.lead(task.queue, task.duty.key(), leadMs(task.intervalMs));
      task.standingBy = !task.leading;
      if (task.leading) {
        more = batch(task);
        calls.get(task.duty).incrementAndGet();
      }
    } catch (RuntimeException e) {
      if (!running) {
        return;
      }
      node.store()
          .redis()
          .logFailure(
              log,
              "node {}: {} of queue {} failed: {}",
              node.name(),
              task.duty.key(),
              task.queue,
              e.getMessage());
    }
    // A full batch is due again at once, behind the duties already due: others get their turn.
    task.dueNanos = System.nanoTime() + (more ? 0 : jittered(task.intervalMs));
  }

  private boolean batch(Task task) {
    return switch (task.duty) {
      case REAP -> reaper.runBatch(task.queue);
      case PRUNE -> {
        boolean more = pruner.runBatch(task.queue);
        if (!more && forgetDue(task.intervalMs)) {
          // Nodes span queues: a node that leads the pruning of any queue forgets the dead ones,
          // once an interval. (The leader of its first queue alone left them all for good when
          // two nodes listed their queues in opposite orders and each led the other's first.)
          router.forgetDeadNodes();
        }
        yield more;
      }
      case ROUTE -> router.runOnce(task.queue);
      case SWEEP -> sweep.runBatch(task.queue);
      case SETTLE -> stalledSubmits.runBatch(task.queue);
    };
  }

  /** The lead's remaining time in milliseconds; -2 if none, -1 if it does not expire. */
  private long leadLeft(Task task) {
    String key = node.store().keys().queue(task.queue).leader(task.duty.key());
    Long pttl = node.store().redis().await(node.store().redis().async().pttl(key));
    return pttl == null ? -2 : pttl;
  }

  /** Whether a pass over the dead nodes is due: at most one an interval, whichever queue asks. */
  private boolean forgetDue(long intervalMs) {
    long now = System.nanoTime();
    long last = lastForgetNanos.get();
    return (last == NEVER || now - last >= TimeUnit.MILLISECONDS.toNanos(intervalMs))
        && lastForgetNanos.compareAndSet(last, now);
  }

  /** The period, give or take a tenth, in nanoseconds. */
  private static long jittered(long intervalMs) {
    double factor = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
    return TimeUnit.MILLISECONDS.toNanos((long) (intervalMs * factor));
  }
}
