package dev.spool.internal.worker;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The jobs a node holds, from fetch until their outcome is recorded (or given up), and the slots of
 * the concurrency limit they take. The heartbeat renews the leases of the jobs held here.
 */
final class HeldJobs {
  private final Semaphore slots;
  private final Map<String, RunningJob> byId = new ConcurrentHashMap<>();
  private final Object changed = new Object();

  /** Threads in {@link #await}: a change is signalled only when someone waits (rarely). */
  private volatile int waiting;

  HeldJobs(int concurrency) {
    this.slots = new Semaphore(concurrency);
  }

  /** Waits for a free slot, then takes every free one, up to {@code max}. */
  int takeSlots(int max) throws InterruptedException {
    slots.acquire();
    int n = 1 + slots.drainPermits();
    if (n > max) {
      slots.release(n - max);
      n = max;
    }
    return n;
  }

  void returnSlots(int n) {
    if (n > 0) {
      slots.release(n);
    }
  }

  /** Wakes a fetcher waiting for a slot, so that it sees the node is stopping. */
  void wakeFetcher() {
    slots.release();
  }

  /**
   * Holds a run; returns the earlier run it replaced under the same id (still going on though the
   * job was fetched again: its lease ran out, or Redis lost its data and the number went to a new
   * job), or null. The earlier run's slot is still released when it ends ({@link #done}).
   */
  RunningJob add(RunningJob job) {
    RunningJob before = byId.put(job.key(), job);
    return before == job ? null : before;
  }

  RunningJob get(String id) {
    return byId.get(id);
  }

  Collection<RunningJob> all() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  /** Whether this attempt is still held (not a later attempt under the same id). */
  boolean holds(RunningJob job) {
    return byId.get(job.id().toString()) == job;
  }

  /** How many handlers run now (fetched jobs whose handler has not ended). */
  int running() {
    int n = 0;
    for (RunningJob job : byId.values()) {
      if (job.running()) {
        n++;
      }
    }
    return n;
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  /**
   * Stops holding this attempt: its lease is no longer renewed. Only this attempt: after a lost
   * lease the node may already hold the job's next attempt under the same id.
   */
  void forget(RunningJob job) {
    byId.remove(job.key(), job);
    signal();
  }

  /**
   * The job's slot is free: its outcome is recorded, given up, or its handler ended abandoned. Once
   * per job: a second call (an outcome acknowledged twice) must not add a slot to the node.
   */
  void done(RunningJob job) {
    forget(job);
    if (job.releaseSlot()) {
      slots.release();
    }
  }

  /** Wakes those waiting in {@link #await} to look again. */
  void signal() {
    if (waiting == 0) {
      return;
    }
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  /** Waits until {@code condition} holds or {@code deadlineNanos} ({@link System#nanoTime()}). */
  boolean await(BooleanSupplier condition, long deadlineNanos) {
    return await(condition, () -> deadlineNanos);
  }

  /**
   * Waits until {@code condition} holds or the deadline passes; the deadline is read again at each
   * wake-up, so another thread may bring it forward (and {@link #signal()} to be seen at once).
   */
  boolean await(BooleanSupplier condition, LongSupplier deadlineNanos) {
    synchronized (changed) {
      waiting++;
      try {
        return awaitLocked(condition, deadlineNanos);
      } finally {
        waiting--;
      }
    }
  }

  /** Waits on {@code changed}, held by the caller; the 50 ms bound covers a missed signal. */
  private boolean awaitLocked(BooleanSupplier condition, LongSupplier deadlineNanos) {
    while (!condition.getAsBoolean()) {
      long waitMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos.getAsLong() - System.nanoTime());
      if (waitMs <= 0) {
        return false;
      }
      try {
        changed.wait(Math.min(waitMs, 50));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
