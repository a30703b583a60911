package dev.spool.micrometer;

import dev.spool.AttemptResult;
import dev.spool.JobEvent;
import dev.spool.JobListener;
import dev.spool.Monitor;
import dev.spool.Spool;
import dev.spool.Worker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Spool's Micrometer meters. Register it twice: as a {@link JobListener} on the {@link
 * Spool.Builder} (counters and timers), and as a {@link MeterBinder} on a registry; then give it
 * the built {@link Spool} ({@link #monitor}) for the queue gauges and the started {@link Worker}s
 * ({@link #worker}) for the node gauges.
 *
 * <pre>{@code
 * SpoolMetrics metrics = new SpoolMetrics();
 * Spool spool = Spool.builder().redis(uri).listener(metrics).build();
 * metrics.bindTo(registry);
 * metrics.monitor(spool.monitor());
 * }</pre>
 *
 * <p>Meters, all tagged with low-cardinality values only (queue, job type, node, result):
 *
 * <ul>
 *   <li>{@code spool.jobs.enqueued|started|succeeded|failed|retried|dead|killed|handed_back|
 *       abandoned|postponed} counters, tags {@code queue}, {@code type}; {@code failed} counts
 *       every failed attempt, {@code retried} and {@code dead} split it; every started attempt ends
 *       as one of {@code succeeded}, {@code failed}, {@code killed}, {@code handed_back}, {@code
 *       abandoned}, {@code postponed} (its handler asked to run later: no failure);
 *   <li>{@code spool.jobs.execution} timer (histogram), tags {@code queue}, {@code type}, {@code
 *       result}: handler and callbacks of each attempt;
 *   <li>{@code spool.jobs.wait} timer (histogram), tags {@code queue}, {@code type}: from enqueue
 *       to the start of a job's first attempt (a delayed job's delay included);
 *   <li>{@code spool.queue.jobs} gauge, tags {@code queue}, {@code state} (ready, delayed,
 *       processing, dead): read from one counts call per queue per {@link #countsMaxAge}, however
 *       many gauges and scrapes (a queue first seen between two reads is read at its first scrape);
 *   <li>{@code spool.queue.latency} time gauge, tag {@code queue}: how long the queue's
 *       longest-waiting ready job has waited;
 *   <li>{@code spool.queue.counts.age} time gauge: how old the queue gauges' values are. While
 *       Redis cannot be read they keep their last values and this grows: alert on it;
 *   <li>{@code spool.worker.busy} and {@code spool.worker.concurrency} gauges, tag {@code node}.
 * </ul>
 */
public final class SpoolMetrics implements JobListener, MeterBinder {
  /** Defaults to 10 s: queue counts are read from Redis at most this often. */
  public static final Duration DEFAULT_COUNTS_MAX_AGE = Duration.ofSeconds(10);

  private final Duration countsMaxAge;
  private final LongSupplier nanoTime;
  private final Map<Key, JobMeters> meters = new ConcurrentHashMap<>();
  private volatile MeterRegistry registry;
  private volatile QueueGauges queueGauges;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();

  /** With {@link #DEFAULT_COUNTS_MAX_AGE}. */
  public SpoolMetrics() {
    this(DEFAULT_COUNTS_MAX_AGE);
  }

  /**
   * @param countsMaxAge how long queue counts read from Redis are reused. See {@link
   *     #DEFAULT_COUNTS_MAX_AGE}.
   */
  public SpoolMetrics(Duration countsMaxAge) {
    this(countsMaxAge, System::nanoTime);
  }

  /** With a clock of its own for the counts' age, for tests. */
  SpoolMetrics(Duration countsMaxAge, LongSupplier nanoTime) {
    this.countsMaxAge = Objects.requireNonNull(countsMaxAge, "countsMaxAge");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  public Duration countsMaxAge() {
    return countsMaxAge;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    QueueGauges gauges = queueGauges;
    if (gauges != null) {
      gauges.bindTo(registry);
    }
    workers.forEach(w -> registerWorker(registry, w));
  }

  /**
   * Adds the {@code spool.queue.jobs} gauges of every queue of this monitor's namespace (new queues
   * are picked up at the next counts read).
   */
  public SpoolMetrics monitor(Monitor monitor) {
    QueueGauges gauges = new QueueGauges(monitor, countsMaxAge, nanoTime);
    this.queueGauges = gauges;
    MeterRegistry r = registry;
    if (r != null) {
      gauges.bindTo(r);
    }
    return this;
  }

  /** Adds the {@code spool.worker.*} gauges of this node. */
  public SpoolMetrics worker(Worker worker) {
    workers.add(Objects.requireNonNull(worker, "worker"));
    MeterRegistry r = registry;
    if (r != null) {
      registerWorker(r, worker);
    }
    return this;
  }

  private static void registerWorker(MeterRegistry r, Worker worker) {
    Tags tags = Tags.of("node", worker.name());
    Gauge.builder("spool.worker.busy", worker, Worker::busy)
        .description("Jobs the node holds now")
        .tags(tags)
        .register(r);
    Gauge.builder("spool.worker.concurrency", worker, Worker::concurrency)
        .description("Handlers the node runs at most at once")
        .tags(tags)
        .register(r);
  }

  @Override
  public void enqueued(String queue, String type, int jobs) {
    JobMeters m = meters(queue, type);
    if (m != null) {
      m.enqueued.increment(jobs);
    }
  }

  @Override
  public void started(JobEvent job) {
    JobMeters m = meters(job.queue(), job.type());
    if (m == null) {
      return;
    }
    m.started.increment();
    if (job.attempt() == 0) {
      job.sinceEnqueued().ifPresent(d -> m.wait.record(d.isNegative() ? Duration.ZERO : d));
    }
  }

  @Override
  public void finished(JobEvent job, AttemptResult result, Duration execution) {
    JobMeters m = meters(job.queue(), job.type());
    if (m == null) {
      return;
    }
    m.execution(result).record(execution);
    switch (result) {
      case SUCCEEDED -> m.succeeded.increment();
      case RETRIED -> {
        m.failed.increment();
        m.retried.increment();
      }
      case DEAD -> {
        m.failed.increment();
        m.dead.increment();
      }
      case KILLED -> m.killed.increment();
      case HANDED_BACK -> m.handedBack.increment();
      case ABANDONED -> m.abandoned.increment();
      case POSTPONED -> m.postponed.increment();
      default -> {} // a result added later is counted by its execution timer only
    }
  }

  /** The meters of a queue and type, made at first use; null before {@link #bindTo}. */
  private JobMeters meters(String queue, String type) {
    MeterRegistry r = registry;
    if (r == null) {
      return null;
    }
    JobMeters m = meters.get(new Key(queue, type));
    if (m == null) {
      // A queue first used after the gauges were bound gets its gauges at a read soon.
      QueueGauges gauges = queueGauges;
      if (gauges != null) {
        gauges.seen(queue);
      }
      m = meters.computeIfAbsent(new Key(queue, type), k -> new JobMeters(r, k.queue, k.type));
    }
    return m;
  }

  private record Key(String queue, String type) {}
}
