package dev.spool.micrometer;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobType;
import dev.spool.Monitor;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.SpoolConnectionException;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SpoolMetricsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Mail(int n) {}

  static final JobType<Mail> MAIL = JobType.of("mail", Mail.class).withQueue("mails");
  static final JobType<Mail> FLAKY =
      JobType.of("flaky", Mail.class)
          .withQueue("mails")
          .withRetry(Retry.fixed(2, Duration.ofMillis(20)));

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final SpoolMetrics metrics = new SpoolMetrics(Duration.ofHours(1));
  Spool spool;
  final String namespace = SpoolRedis.namespace();

  @BeforeEach
  void setUp() {
    spool = Spool.builder().redis(redis.uri()).namespace(namespace).listener(metrics).build();
    metrics.bindTo(registry);
  }

  @AfterEach
  void tearDown() {
    spool.close();
  }

  private double count(String name, String type) {
    var c = registry.find(name).tags("queue", "mails", "type", type).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void countersAndTimersFollowEveryAttempt() {
    spool.enqueueAll(MAIL, java.util.List.of(new Mail(1), new Mail(2)));
    spool.enqueue(FLAKY, new Mail(3));
    Worker worker =
        spool
            .worker("node-1")
            .concurrency(4)
            .handle(MAIL, (job, m) -> {})
            .handle(
                FLAKY,
                (job, m) -> {
                  throw new IllegalStateException("down");
                })
            .start();
    metrics.worker(worker);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count("spool.jobs.dead", "flaky") == 1
                    && count("spool.jobs.succeeded", "mail") == 2);
    assertThat(count("spool.jobs.enqueued", "mail")).isEqualTo(2);
    assertThat(count("spool.jobs.enqueued", "flaky")).isEqualTo(1);
    assertThat(count("spool.jobs.started", "flaky")).isEqualTo(2);
    assertThat(count("spool.jobs.failed", "flaky")).isEqualTo(2);
    assertThat(count("spool.jobs.retried", "flaky")).isEqualTo(1);
    assertThat(count("spool.jobs.killed", "flaky")).isZero();
    assertThat(
            registry
                .get("spool.jobs.execution")
                .tags("queue", "mails", "type", "mail", "result", "succeeded")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(registry.get("spool.jobs.wait").tags("type", "flaky").timer().count())
        .isEqualTo(1); // first attempts only
    assertThat(registry.get("spool.worker.concurrency").tag("node", "node-1").gauge().value())
        .isEqualTo(4);
    assertThat(registry.get("spool.worker.busy").tag("node", "node-1").gauge().value()).isZero();
    worker.close();
  }

  @Test
  void aPostponedAttemptIsCountedAsPostponedAndNotAsAFailure() {
    spool.enqueue(MAIL, new Mail(1));
    spool
        .worker("node-1")
        .handle(
            MAIL,
            (job, m) -> {
              if (job.status().log().isEmpty()) { // its first run: come back in 50 ms
                throw new dev.spool.RunLaterException(Duration.ofMillis(50));
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> count("spool.jobs.succeeded", "mail") == 1);
    assertThat(count("spool.jobs.postponed", "mail")).isEqualTo(1);
    assertThat(count("spool.jobs.started", "mail")).isEqualTo(2);
    assertThat(count("spool.jobs.failed", "mail")).isZero();
    assertThat(
            registry
                .get("spool.jobs.execution")
                .tags("type", "mail", "result", "postponed")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void queueGaugesReadTheCountsOncePerInterval() {
    spool.enqueueAll(MAIL, java.util.List.of(new Mail(1), new Mail(2), new Mail(3)));
    AtomicInteger countsCalls = new AtomicInteger();
    Monitor counting = countingMonitor(spool.monitor(), countsCalls);
    metrics.monitor(counting);
    int afterBind = countsCalls.get();
    assertThat(afterBind).isEqualTo(1); // one queue, read once to register its gauges
    for (int scrape = 0; scrape < 3; scrape++) {
      assertThat(
              registry
                  .get("spool.queue.jobs")
                  .tags("queue", "mails", "state", "ready")
                  .gauge()
                  .value())
          .isEqualTo(3);
      assertThat(
              registry
                  .get("spool.queue.jobs")
                  .tags("queue", "mails", "state", "delayed")
                  .gauge()
                  .value())
          .isZero();
      assertThat(
              registry
                  .get("spool.queue.jobs")
                  .tags("queue", "mails", "state", "dead")
                  .gauge()
                  .value())
          .isZero();
    }
    assertThat(countsCalls.get()).isEqualTo(afterBind);
  }

  @Test
  void theLatencyGaugeSaysHowLongTheLongestWaitingJobHasWaited() {
    // An application whose clock is an hour behind Redis's enqueues as if an hour ago.
    Clock anHourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    try (Spool late =
        Spool.builder().redis(redis.uri()).namespace(namespace).clock(anHourAgo).build()) {
      late.enqueue(MAIL, new Mail(1));
    }
    metrics.monitor(spool.monitor());
    double seconds =
        registry.get("spool.queue.latency").tag("queue", "mails").timeGauge().value(SECONDS);
    assertThat(seconds).isBetween(3_540.0, 3_660.0);
  }

  @Test
  void whileRedisCannotBeReadTheGaugesKeepTheirValuesAndTheirAgeGrows() {
    spool.enqueueAll(MAIL, java.util.List.of(new Mail(1), new Mail(2)));
    AtomicLong now = new AtomicLong();
    AtomicBoolean away = new AtomicBoolean();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SpoolMetrics metrics = new SpoolMetrics(Duration.ofSeconds(10), now::get);
    metrics.bindTo(registry);
    metrics.monitor(failingWhen(spool.monitor(), away));
    var ready = registry.get("spool.queue.jobs").tags("queue", "mails", "state", "ready").gauge();
    var age = registry.get("spool.queue.counts.age").timeGauge();
    assertThat(ready.value()).isEqualTo(2);
    assertThat(age.value(SECONDS)).isZero();

    away.set(true);
    now.addAndGet(Duration.ofSeconds(25).toNanos()); // past the max age: the next scrape reads
    assertThat(ready.value()).isEqualTo(2); // the last value read, not 0
    assertThat(age.value(SECONDS)).isEqualTo(25);
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(age.value(SECONDS)).isEqualTo(45);

    away.set(false);
    spool.enqueue(MAIL, new Mail(3));
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    // The scrape that finds the values stale starts a read, and gets the last values meanwhile.
    // (A read the age scrapes above started while Redis was away may still land first, stamped
    // with its own start, 11 s back: a later scrape then reads again.)
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ready.value() == 3 && age.value(SECONDS) == 0);
  }

  @Test
  void aScrapeGetsTheLastValuesAtOnceWhileRedisIsFrozen() throws Exception {
    spool.enqueueAll(MAIL, java.util.List.of(new Mail(1), new Mail(2)));
    AtomicLong now = new AtomicLong();
    AtomicBoolean frozen = new AtomicBoolean();
    CountDownLatch thaw = new CountDownLatch(1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SpoolMetrics metrics = new SpoolMetrics(Duration.ofSeconds(10), now::get);
    metrics.bindTo(registry);
    metrics.monitor(frozenWhen(spool.monitor(), frozen, thaw));
    var ready = registry.get("spool.queue.jobs").tags("queue", "mails", "state", "ready").gauge();

    frozen.set(true); // each call waits, as for a Redis that does not answer
    now.addAndGet(Duration.ofSeconds(11).toNanos()); // stale: the next scrape starts a read
    try {
      // Scraped on a thread of their own, gauges that waited for that read would time out here.
      for (int scrape = 0; scrape < 2; scrape++) {
        assertThat(CompletableFuture.supplyAsync(ready::value).get(5, SECONDS)).isEqualTo(2);
      }
    } finally {
      thaw.countDown();
    }
  }

  @Test
  void theGaugesOfAQueueFirstUsedBetweenTwoReadsReadItsCounts() {
    metrics.monitor(spool.monitor()); // no queue yet: nothing to read
    spool.enqueueAll(MAIL, java.util.List.of(new Mail(1), new Mail(2))); // its gauges, from here

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.find("spool.queue.jobs").tag("queue", "mails").gauges().size() == 4);
    var gauges = registry.find("spool.queue.jobs").tag("queue", "mails").gauges();
    assertThat(gauges).allSatisfy(g -> assertThat(g.value()).isNotNaN());
    assertThat(
            registry
                .get("spool.queue.jobs")
                .tags("queue", "mails", "state", "ready")
                .gauge()
                .value())
        .isEqualTo(2);
  }

  @Test
  void anAttemptHandedBackAtShutdownIsCountedAsEnded() {
    spool.enqueue(MAIL, new Mail(1));
    CountDownLatch running = new CountDownLatch(1);
    Worker worker =
        spool
            .worker("node-1")
            .shutdownTimeout(Duration.ZERO)
            .handle(
                MAIL,
                (job, m) -> {
                  running.countDown();
                  new CountDownLatch(1).await(); // until the shutdown interrupts it
                })
            .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);

    worker.stop();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("spool.jobs.handed_back", "mail") == 1);
    assertThat(count("spool.jobs.started", "mail")).isEqualTo(1);
    assertThat(
            registry
                .get("spool.jobs.execution")
                .tags("queue", "mails", "type", "mail", "result", "handed_back")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aShardedQueuesJobsAreCountedUnderTheirShardWhenEnqueuedAsWhenRun() {
    SimpleMeterRegistry sharded = new SimpleMeterRegistry();
    SpoolMetrics shardMetrics = new SpoolMetrics(Duration.ofHours(1));
    try (Spool spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(SpoolRedis.namespace())
            .shardedQueue("mails", 2)
            .listener(shardMetrics)
            .build()) {
      shardMetrics.bindTo(sharded);
      spool.enqueueAll(MAIL, java.util.List.of(new Mail(1), new Mail(2), new Mail(3)));
      spool.enqueue(MAIL, new Mail(4));
      Worker worker = spool.worker("node-1").handle(MAIL, (job, mail) -> {}).start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> total(sharded, "spool.jobs.succeeded") == 4);
      worker.close();
      assertThat(total(sharded, "spool.jobs.enqueued")).isEqualTo(4);
      for (Counter started : sharded.find("spool.jobs.started").counters()) {
        String shard = started.getId().getTag("queue");
        assertThat(shard).startsWith("mails.shard");
        // before, enqueues were counted under "mails" and runs under each shard
        assertThat(sharded.find("spool.jobs.enqueued").tag("queue", shard).counter())
            .isNotNull()
            .extracting(Counter::count)
            .isEqualTo(started.count());
      }
    }
  }

  private static double total(SimpleMeterRegistry r, String name) {
    return r.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Test
  void theDocumentedSetUpRegistersEveryKindOfMeter() {
    String uri = redis.uri();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // snippet: micrometer-setup
    SpoolMetrics metrics = new SpoolMetrics(); // a JobListener and a MeterBinder
    try (Spool spool = Spool.builder().redis(uri).listener(metrics).build()) {
      metrics.bindTo(registry); // counters and timers
      metrics.monitor(spool.monitor()); // spool.queue.jobs gauges
      Worker worker = spool.worker("node-1").handle(MAIL, (job, mail) -> {}).start();
      metrics.worker(worker); // spool.worker.busy, spool.worker.concurrency
      // end snippet
      spool.enqueue(MAIL, new Mail(1));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.find("spool.jobs.succeeded").counter() != null);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !registry.find("spool.queue.jobs").gauges().isEmpty());
      assertThat(registry.find("spool.worker.busy").gauge()).isNotNull();
      worker.close();
    }
  }

  /** What runs before each call of a monitor: it may count the call, fail it or hold it. */
  private interface BeforeCall {
    void run(String method) throws Exception;
  }

  /** The monitor, {@code before} running ahead of each of its calls. */
  private static Monitor wrapped(Monitor monitor, BeforeCall before) {
    return (Monitor)
        Proxy.newProxyInstance(
            Monitor.class.getClassLoader(),
            new Class<?>[] {Monitor.class},
            (proxy, method, args) -> {
              before.run(method.getName());
              return method.invoke(monitor, args);
            });
  }

  /** The monitor, failing as if Redis were away while {@code away} is set. */
  private static Monitor failingWhen(Monitor monitor, AtomicBoolean away) {
    return wrapped(
        monitor,
        method -> {
          if (away.get()) {
            throw new SpoolConnectionException("Redis is away (test)", null);
          }
        });
  }

  /** The monitor, each call waiting until {@code thaw} while {@code frozen} is set. */
  private static Monitor frozenWhen(Monitor monitor, AtomicBoolean frozen, CountDownLatch thaw) {
    return wrapped(
        monitor,
        method -> {
          if (frozen.get()) {
            thaw.await();
          }
        });
  }

  /** The monitor, counting its counts calls (one queue's, or all queues' at once). */
  private static Monitor countingMonitor(Monitor monitor, AtomicInteger calls) {
    return wrapped(
        monitor,
        method -> {
          if (method.equals("counts") || method.equals("snapshot")) {
            calls.incrementAndGet();
          }
        });
  }
}
