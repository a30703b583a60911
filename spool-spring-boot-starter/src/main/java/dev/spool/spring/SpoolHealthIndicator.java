package dev.spool.spring;

import dev.spool.Monitor;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.Worker;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Spool's health: DOWN when Redis cannot be read, or does not answer within the health timeout, or
 * this application's worker node is not registered alive or stopped by itself; {@link
 * #DEAD_JOBS_GROWING} when the dead sets grew by more than the threshold since the last check (if
 * one is set); else UP. Details: the dead jobs per queue and their growth. One counts call per
 * queue per check.
 */
public class SpoolHealthIndicator extends AbstractHealthIndicator {
  /** Dead jobs grew beyond {@code spool.health.dead-growth-threshold} since the last check. */
  public static final Status DEAD_JOBS_GROWING =
      new Status("DEAD_JOBS_GROWING", "dead jobs grew beyond the threshold since the last check");

  private final Monitor monitor;
  private final Supplier<Worker> worker;
  private final long deadGrowthThreshold;
  private final Duration timeout;
  private long lastDead = -1;

  /**
   * @param worker the application's worker node, running or stopped by itself; null if none
   * @param timeout how long a check waits for Redis before reporting DOWN (a Redis that hangs would
   *     otherwise hold the health endpoint for the whole command timeout)
   */
  public SpoolHealthIndicator(
      Monitor monitor, Supplier<Worker> worker, long deadGrowthThreshold, Duration timeout) {
    super("Spool health check failed");
    this.monitor = monitor;
    this.worker = worker;
    this.deadGrowthThreshold = deadGrowthThreshold;
    this.timeout = timeout;
  }

  /** What one check read from Redis. */
  private record Reading(Map<String, Long> deadByQueue, long dead, List<NodeInfo> nodes) {}

  private Reading read() {
    Map<String, Long> deadByQueue = new LinkedHashMap<>();
    long dead = 0;
    // Every queue's counts in one round trip: a call per queue, one after another, took longer
    // than the check's timeout with a few hundred queues, and a healthy Redis read as DOWN.
    for (QueueCounts counts : monitor.snapshot(monitor.queues()).counts()) {
      deadByQueue.put(counts.queue(), counts.dead());
      dead += counts.dead();
    }
    return new Reading(deadByQueue, dead, worker.get() == null ? List.of() : monitor.nodes());
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    CompletableFuture<Reading> pending =
        CompletableFuture.supplyAsync(this::read, Thread.ofVirtual().name("spool-health")::start);
    Reading reading;
    try {
      reading = pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      builder
          .down()
          .withDetail(
              "error", "Redis did not answer within " + timeout + " (spool.health.timeout)");
      return;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    long growth;
    synchronized (this) {
      growth = lastDead < 0 ? 0 : reading.dead() - lastDead;
      lastDead = reading.dead();
    }
    builder.withDetail("dead", reading.deadByQueue()).withDetail("deadGrowth", growth);
    Worker w = worker.get();
    if (w != null && w.whenStopped().isDone()) {
      // Stopped by itself: another instance took its name (and is alive under it).
      builder
          .down()
          .withDetail("node", w.name())
          .withDetail("nodeRegistered", false)
          .withDetail("error", "the worker node stopped by itself: another instance took its name");
      return;
    }
    if (w != null) {
      boolean registered =
          reading.nodes().stream().anyMatch(n -> n.name().equals(w.name()) && n.alive());
      builder.withDetail("node", w.name()).withDetail("nodeRegistered", registered);
      if (!registered) {
        builder.down();
        return;
      }
    }
    if (deadGrowthThreshold > 0 && growth > deadGrowthThreshold) {
      builder.status(DEAD_JOBS_GROWING);
    } else {
      builder.up();
    }
  }
}
