package dev.spool;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An operator's hold on one queue. The state lives in Redis, so every node obeys it at once and it
 * survives node restarts.
 */
public interface QueueControl {
  /** The queue's name. */
  String name();

  /**
   * Pauses the queue: it keeps accepting jobs (and delayed jobs keep coming due), but no node
   * starts one of its jobs until {@link #resume()}. Jobs already running finish as usual.
   *
   * @return true if the queue was running, false if it was paused already
   */
  boolean pause();

  /**
   * Resumes the queue; idle nodes are woken at once rather than at their next check.
   *
   * @return true if the queue was paused, false if it was running already
   */
  boolean resume();

  /** Whether the queue is paused. */
  boolean isPaused();

  /**
   * Empties the queue of its waiting jobs, as Sidekiq's {@code Queue#clear} and BullMQ's {@code
   * drain()} do: jobs ready to run (of any priority, pinned to a node or avoiding one) and jobs
   * waiting for a slot of a concurrency limit. Scheduled jobs (delayed, or waiting for a retry)
   * stay; see {@link #drain(boolean)}. Same as {@code drain(false)}.
   *
   * @return how many jobs were removed
   */
  default long drain() {
    return drain(false);
  }

  /**
   * Empties the queue of its waiting jobs and, with {@code includeScheduled}, of its scheduled jobs
   * too (delayed ones and those waiting for a retry), as BullMQ's {@code drain(delayed)} does.
   *
   * <p>Each removed job ends as {@link Spool#cancel} ends a job: its status becomes {@code KILLED}
   * with the error {@code QueueDrained}, and is kept for the retention like any other; a client
   * awaiting its outcome learns it; its unique lock (until executing or until executed) is given
   * back, so the same job may be enqueued again; a batch part counts as failed for its batch (the
   * batch learns it through an internal job of this queue, which a drain never removes: it runs
   * once a node serves the queue). Nothing else changes: jobs running now finish as usual, a paused
   * queue stays paused, recurring jobs keep firing, and the dead set is left alone.
   *
   * <p>Redis is never held for long: the queue is emptied in slices of a few hundred jobs, one
   * atomic step each, so the queue's other work goes on between them. The drain takes as many
   * entries as the queue held when it began, then returns: jobs enqueued meanwhile may or may not
   * be removed, and a queue filled as fast as it drains does not keep it busy for ever. Each step
   * takes the plain ready list first, oldest first, so all that waited there are removed; while
   * that list is filled faster than it drains, jobs waiting elsewhere (with a priority, pinned,
   * parked) may be left for a later drain. Jobs whose stored data is corrupt go to the dead set, as
   * a node would send them, rather than stop the drain. A sharded queue is drained shard by shard.
   *
   * <p>Jobs parked by a concurrency limit with a version of Spool before the one that added this
   * method are not found; they run as their slots free.
   *
   * @return how many jobs were removed
   */
  long drain(boolean includeScheduled);

  /**
   * At most {@code max} jobs of this queue run at once, on all nodes together: nodes lease no more
   * while the queue is full, and a job that ends (or is reaped from a dead node) wakes one of them.
   * Replaces an earlier concurrency limit of the queue.
   */
  void limitConcurrency(int max);

  /**
   * At most {@code max} jobs of this queue start in any window of {@code per}; a job over the limit
   * is scheduled for its turn, using no attempt. Replaces an earlier rate limit of the queue.
   */
  void limitRate(int max, Duration per);

  /** Removes the queue's concurrency and rate limits (not those of its job types). */
  void removeLimits();

  /** The queue's concurrency limit, if it has one. */
  OptionalInt concurrencyLimit();

  /** The queue's rate limit (with no key), if it has one. */
  Optional<RateLimit<Object>> rateLimit();

  /**
   * Takes the queue off the namespace's list of queues, which {@code spool stats}, the dashboard,
   * the metrics and queries over every queue read: for a queue no longer used, or one named by
   * mistake (a worker started with a misspelt queue lists it for good). Refused with an {@link
   * IllegalStateException} that says why while the queue has jobs ready, scheduled, running or
   * dead, recurring jobs, or a live node that serves it: drain it, purge its dead jobs, cancel its
   * recurring jobs and stop or reconfigure those nodes first. Statuses of its finished jobs stay
   * for their retention, found by queries that name the queue. A queue used again (an enqueue, a
   * node that serves it) is listed again, by a process that used it before within 10 minutes.
   *
   * @return true if the queue was listed
   */
  boolean forget();
}
