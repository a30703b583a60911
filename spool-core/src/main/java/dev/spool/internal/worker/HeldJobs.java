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
 *
 * <p>A slot is taken at fetch and freed when the job's handler ends, not when its outcome is
 * recorded: the fetcher leases the next jobs while the last outcomes are on their way, so Redis and
 * the handlers work at the same time instead of in turn. Outcomes not yet recorded are bounded
 * apart, by as many again as the concurrency: past it, an ended handler waits (keeping its slot).
 */
final class HeldJobs {
  private final Semaphore slots;
  private final Semaphore unrecorded;
  private final Map<String, RunningJob> byId = new ConcurrentHashMap<>();
  private final Object changed = new Object();

  /** Threads in {@link #await}: a change is signalled only when someone waits (rarely). */
  private volatile int waiting;

  HeldJobs(int concurrency) {
    this.slots = new Semaphore(concurrency);
    this.unrecorded = new Semaphore(concurrency);
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

  void add(RunningJob job) {
    byId.put(job.key(), job);
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
   * The job's handler ended with an outcome to record: waits while too many outcomes are not
   * recorded yet, then frees the job's slot. The job stays held (its lease renewed) until {@link
   * #recorded}.
   */
  void handlerEnded(RunningJob job) {
    try {
      unrecorded.acquire();
      job.holdsRecordPermit(true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // halted: record it anyway, beyond the bound
    }
    slots.release();
  }

  /** The job's outcome is recorded or given up: it is no longer held. */
  void recorded(RunningJob job) {
    forget(job);
    if (job.holdsRecordPermit(false)) {
      unrecorded.release();
    }
  }

  /** The handler of a job whose lease was lost ended: no outcome to record, its slot is free. */
  void abandonedEnded(RunningJob job) {
    forget(job);
    slots.release();
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
