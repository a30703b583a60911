package dev.spool.spring;

import dev.spool.Monitor;
import dev.spool.QueueCounts;
import dev.spool.Worker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Spool's health: DOWN when Redis cannot be read or this application's worker node is not
 * registered alive; {@link #DEAD_JOBS_GROWING} when the dead sets grew by more than the threshold
 * since the last check (if one is set); else UP. Details: the dead jobs per queue and their growth.
 * One counts call per queue per check.
 */
public class SpoolHealthIndicator extends AbstractHealthIndicator {
  /** Dead jobs grew beyond {@code spool.health.dead-growth-threshold} since the last check. */
  public static final Status DEAD_JOBS_GROWING =
      new Status("DEAD_JOBS_GROWING", "dead jobs grew beyond the threshold since the last check");

  private final Monitor monitor;
  private final Supplier<Worker> worker;
  private final long deadGrowthThreshold;
  private long lastDead = -1;

  public SpoolHealthIndicator(Monitor monitor, Supplier<Worker> worker, long deadGrowthThreshold) {
    super("Spool health check failed");
    this.monitor = monitor;
    this.worker = worker;
    this.deadGrowthThreshold = deadGrowthThreshold;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Map<String, Long> deadByQueue = new LinkedHashMap<>();
    long dead = 0;
    for (String queue : monitor.queues()) {
      QueueCounts counts = monitor.counts(queue);
      deadByQueue.put(queue, counts.dead());
      dead += counts.dead();
    }
    long growth;
    synchronized (this) {
      growth = lastDead < 0 ? 0 : dead - lastDead;
      lastDead = dead;
    }
    builder.withDetail("dead", deadByQueue).withDetail("deadGrowth", growth);
    Worker w = worker.get();
    if (w != null) {
      boolean registered =
          monitor.nodes().stream().anyMatch(n -> n.name().equals(w.name()) && n.alive());
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
