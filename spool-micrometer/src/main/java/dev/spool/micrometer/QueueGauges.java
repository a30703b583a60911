package dev.spool.micrometer;

import dev.spool.Monitor;
import dev.spool.QueueCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code spool.queue.jobs}, {@code spool.queue.latency} and {@code spool.queue.counts.age}
 * gauges. Gauges only read a snapshot of every queue's counts; when a gauge is read and the
 * snapshot is older than the maximum age, a refresh (one round trip for all queues) starts on a
 * thread of its own, so a scrape never waits for Redis and costs it at most one round trip per
 * interval. While Redis cannot be read (away, or frozen: each refresh then waits out the command
 * timeout) the snapshot keeps its last values, and the age gauge says how old they are, so an alert
 * can tell a quiet queue from a blind one.
 */
final class QueueGauges {
  private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);
  private static final Map<String, ToLongFunction<QueueCounts>> STATES =
      Map.of(
          "ready", QueueCounts::ready,
          "delayed", QueueCounts::delayed,
          "processing", QueueCounts::processing,
          "dead", QueueCounts::dead);

  private final Monitor monitor;
  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile Map<String, QueueCounts> snapshot = Map.of();
  private volatile long readAtNanos;

  /** When Redis last answered a refresh (or when bound, before that). */
  private volatile long readOkAtNanos;

  private volatile MeterRegistry registry;

  QueueGauges(Monitor monitor, Duration maxAge, LongSupplier nanoTime) {
    this.monitor = monitor;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
    this.readOkAtNanos = nanoTime.getAsLong();
  }

  /** Registers the age gauge, then reads the counts once, here, to register every queue's. */
  void bindTo(MeterRegistry registry) {
    this.registry = registry;
    TimeGauge.builder("spool.queue.counts.age", this, TimeUnit.NANOSECONDS, QueueGauges::ageNanos)
        .description(
            "How old the queue gauges' values are: grows while Redis cannot be read, when the"
                + " gauges keep their last values")
        .register(registry);
    if (reading.compareAndSet(false, true)) {
      try {
        read();
      } finally {
        reading.set(false);
      }
    }
  }

  private double ageNanos() {
    refreshIfStale();
    return Math.max(0, nanoTime.getAsLong() - readOkAtNanos);
  }

  private void refreshIfStale() {
    if (nanoTime.getAsLong() - readAtNanos > maxAgeNanos) {
      refresh();
    }
  }

  /** Starts a read on a thread of its own, unless one runs. */
  private void refresh() {
    if (reading.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("spool-queue-gauges")
          .start(
              () -> {
                try {
                  read();
                } finally {
                  reading.set(false);
                }
              });
    }
  }

  private double value(String queue, ToDoubleFunction<QueueCounts> read) {
    refreshIfStale();
    QueueCounts counts = snapshot.get(queue);
    return counts == null ? 0 : read.applyAsDouble(counts);
  }

  /**
   * A queue a job event named: if the last read did not list it (a queue first used since, or a
   * shard of a sharded queue, which is counted under its queue), the next read comes now.
   */
  void seen(String queue) {
    if (!snapshot.containsKey(queue)) {
      refresh();
    }
  }

  /**
   * Reads the counts of every queue, one round trip; registers gauges for queues not seen before.
   */
  private void read() {
    try {
      Map<String, QueueCounts> next = new HashMap<>();
      for (QueueCounts c : monitor.snapshot(monitor.queues()).counts()) {
        next.put(c.queue(), c);
      }
      snapshot = Map.copyOf(next);
      readOkAtNanos = nanoTime.getAsLong();
      next.keySet().forEach(this::register);
    } catch (RuntimeException e) {
      // Redis away: the gauges keep the last values until the next read works.
      log.debug("could not read queue counts: {}", e.toString());
    }
    readAtNanos = nanoTime.getAsLong();
  }

  /** Registers the gauges of a queue, once. */
  private void register(String queue) {
    MeterRegistry r = registry;
    if (r == null || !registered.add(queue)) {
      return;
    }
    STATES.forEach(
        (state, read) ->
            Gauge.builder("spool.queue.jobs", this, g -> g.value(queue, read::applyAsLong))
                .description("Jobs of a queue by state")
                .tags(Tags.of("queue", queue, "state", state))
                .register(r));
    TimeGauge.builder(
            "spool.queue.latency",
            this,
            TimeUnit.MILLISECONDS,
            g -> g.value(queue, c -> c.latency().toMillis()))
        .description("How long the queue's longest-waiting ready job has waited")
        .tags(Tags.of("queue", queue))
        .register(r);
  }
}
