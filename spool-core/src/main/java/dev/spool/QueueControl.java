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
}
