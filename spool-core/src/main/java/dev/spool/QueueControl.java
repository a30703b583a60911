package dev.spool;

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
}
