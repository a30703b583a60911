package dev.spool;

import java.time.Duration;

/**
 * Hears what happens to jobs, for metrics and the like: registered with {@link
 * Spool.Builder#listener}. Every method has an empty default, so a listener implements only what it
 * needs.
 *
 * <p>Methods are called on Spool's threads (the enqueuing thread, a handler's virtual thread) and
 * must return quickly and not block. An exception thrown by a listener is logged and ignored: it
 * never changes a job's outcome. When no listener is registered, nothing is called and no event is
 * built.
 */
public interface JobListener {
  /** {@code jobs} jobs of one type were accepted on a queue by one enqueue call. */
  default void enqueued(String queue, String type, int jobs) {}

  /** An attempt is about to run its handler. */
  default void started(JobEvent job) {}

  /**
   * An attempt ended; its outcome is on its way to Redis. {@code execution} is the time from {@link
   * #started} to here (handler and callbacks). Called once for every {@link #started} attempt,
   * including one taken from its handler ({@link AttemptResult#HANDED_BACK}, {@link
   * AttemptResult#ABANDONED}).
   */
  default void finished(JobEvent job, AttemptResult result, Duration execution) {}
}
