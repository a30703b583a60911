package dev.spool;

import java.time.Duration;
import java.util.Objects;

/**
 * The jobs of one queue by where they are, and how long its longest-waiting ready job has waited.
 *
 * @param ready waiting to be fetched
 * @param delayed waiting for their due time (delayed jobs and retries)
 * @param processing held by a worker node now
 * @param completed succeeded since the queue was first used
 * @param dead in the dead set
 * @param latency how long the longest-waiting ready job has waited, on Redis's clock (Sidekiq's
 *     queue latency): since it was queued, or since its due time for a delayed job or a retry, or
 *     since it was handed back, recovered, run now or retried by hand; zero when no job is ready.
 *     It grows while the queue is paused or its nodes cannot keep up, so it is the figure to alert
 *     on or scale by. The jobs looked at are the next of each ready list and the oldest of the
 *     highest and the lowest priority; jobs held back by a concurrency limit are not. It is left
 *     out of {@link #equals} and {@link #hashCode}: it moves every millisecond a job waits, and
 *     unchanged counts must still say nothing changed.
 */
public record QueueCounts(
    String queue,
    long ready,
    long delayed,
    long processing,
    long completed,
    long dead,
    Duration latency) {

  public QueueCounts {
    Objects.requireNonNull(latency, "latency");
  }

  /** The same queue and counts; the latency is left out. */
  @Override
  public boolean equals(Object o) {
    return o instanceof QueueCounts c
        && queue.equals(c.queue)
        && ready == c.ready
        && delayed == c.delayed
        && processing == c.processing
        && completed == c.completed
        && dead == c.dead;
  }

  @Override
  public int hashCode() {
    return Objects.hash(queue, ready, delayed, processing, completed, dead);
  }

  /** Counts with no latency: no job is ready, or its wait is not known. */
  public QueueCounts(
      String queue, long ready, long delayed, long processing, long completed, long dead) {
    this(queue, ready, delayed, processing, completed, dead, Duration.ZERO);
  }
}
