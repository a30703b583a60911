package dev.spool.micrometer;

import dev.spool.Monitor;
import dev.spool.QueueCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code spool.queue.jobs}, {@code spool.queue.latency} and {@code spool.queue.counts.age}
 * gauges. Gauges only read a snapshot; the snapshot is refreshed (one counts call per queue) when a
 * gauge is read and it is older than the maximum age, so a scrape of all gauges costs Redis at most
 * one round of counts per interval. While Redis cannot be read the snapshot keeps its last values,
 * and the age gauge says how old they are, so an alert can tell a quiet queue from a blind one.
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
  private volatile Map<String, QueueCounts> snapshot = Map.of();
  private volatile long readAtNanos;

  /** When Redis last answered every counts call of a refresh (or when bound, before that). */
  private volatile long readOkAtNanos;

  private volatile boolean everRead;
  private volatile MeterRegistry registry;

  QueueGauges(Monitor monitor, Duration maxAge, LongSupplier nanoTime) {
    this.monitor = monitor;
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
    this.readOkAtNanos = nanoTime.getAsLong();
  }

  void bindTo(MeterRegistry registry) {
    this.registry = registry;
    TimeGauge.builder("spool.queue.counts.age", this, TimeUnit.NANOSECONDS, QueueGauges::ageNanos)
        .description(
            "How old the queue gauges' values are: grows while Redis cannot be read, when the"
                + " gauges keep their last values")
        .register(registry);
    refresh();
  }

  private double ageNanos() {
    refreshIfStale();
    return Math.max(0, nanoTime.getAsLong() - readOkAtNanos);
  }

  private void refreshIfStale() {
    if (!everRead || nanoTime.getAsLong() - readAtNanos > maxAgeNanos) {
      refresh();
    }
  }

  private double value(String queue, ToDoubleFunction<QueueCounts> read) {
    refreshIfStale();
    QueueCounts counts = snapshot.get(queue);
    if (counts == null) {
      // Registered by a job seen here after the last read: read it now rather than say NaN.
      counts = readOne(queue);
    }
    return counts == null ? 0 : read.applyAsDouble(counts);
  }

  /** Reads one queue's counts into the snapshot; null if Redis cannot be read. */
  private synchronized QueueCounts readOne(String queue) {
    QueueCounts counts = snapshot.get(queue);
    if (counts != null) {
      return counts; // another gauge of this queue read it meanwhile
    }
    try {
      counts = monitor.counts(queue);
    } catch (RuntimeException e) {
      log.debug("could not read the counts of queue {}: {}", queue, e.toString());
      return null;
    }
    Map<String, QueueCounts> next = new ConcurrentHashMap<>(snapshot);
    next.put(queue, counts);
    snapshot = next;
    return counts;
  }

  /** Reads the counts of every queue once; registers gauges for queues not seen before. */
  private synchronized void refresh() {
    if (everRead && nanoTime.getAsLong() - readAtNanos <= maxAgeNanos) {
      return; // another gauge refreshed meanwhile
    }
    try {
      Map<String, QueueCounts> next = new ConcurrentHashMap<>();
      for (String queue : monitor.queues()) {
        next.put(queue, monitor.counts(queue));
      }
      snapshot = next;
      readOkAtNanos = nanoTime.getAsLong();
      next.keySet().forEach(this::register);
    } catch (RuntimeException e) {
      // Redis away: the gauges keep the last values until the next read works.
      log.debug("could not read queue counts: {}", e.toString());
    }
    readAtNanos = nanoTime.getAsLong();
    everRead = true;
  }

  /** Registers the gauges of a queue, once. */
  void register(String queue) {
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
