package dev.spool;

import java.util.List;

/**
 * The work of one queue minute by minute, oldest first, the current minute last; from counters the
 * scripts that finish jobs keep in Redis, so every node's work is in it and every reader sees the
 * same history.
 *
 * @param queue the queue
 * @param minutes one entry per minute, none missing (a minute without work counts zero)
 */
public record Throughput(String queue, List<ThroughputMinute> minutes) {
  public Throughput {
    minutes = List.copyOf(minutes);
  }

  public long succeeded() {
    return minutes.stream().mapToLong(ThroughputMinute::succeeded).sum();
  }

  public long failed() {
    return minutes.stream().mapToLong(ThroughputMinute::failed).sum();
  }

  public long processed() {
    return succeeded() + failed();
  }
}
