package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrency limits across nodes: 3 nodes of 64 slots each never run more jobs of a limited type,
 * key or queue at once than the limit, counted by an independent counter in the handlers; jobs over
 * the limit wait without using an attempt; a dead node's slots come back.
 */
class ConcurrencyLimitIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Sync(String customer, int n) {}

  static final JobType<Sync> REPORT =
      JobType.of("report", Sync.class).withQueue("limited").withConcurrencyLimit(5);
  static final JobType<Sync> SYNC =
      JobType.of("sync", Sync.class).withQueue("limited").withConcurrencyLimit(2, Sync::customer);
  static final JobType<Sync> PLAIN = JobType.of("plain", Sync.class).withQueue("wide");

  Fixtures f;
  final List<Spool> spools = new ArrayList<>();
  final List<Worker> workers = new ArrayList<>();
  final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
  final AtomicInteger done = new AtomicInteger();
  final AtomicInteger retried = new AtomicInteger();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    workers.forEach(Worker::close);
    spools.forEach(Spool::close);
    f.close();
  }

  /** Counts the jobs of `group` running at once, around a few milliseconds of work. */
  private Handler<Sync> counted(java.util.function.Function<Sync, String> group) {
    return (job, args) -> {
      if (job.attempt() > 0) {
        retried.incrementAndGet();
      }
      String g = group.apply(args);
      int now = running.computeIfAbsent(g, k -> new AtomicInteger()).incrementAndGet();
      peak.computeIfAbsent(g, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3)); // stands in for a remote call
      running.get(g).decrementAndGet();
      done.incrementAndGet();
    };
  }

  private Spool startNodes(int nodes) {
    for (int i = 0; i < nodes; i++) {
      Spool spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).build();
      spools.add(spool);
      workers.add(
          spool
              .worker("node-" + i)
              .queues("limited", "wide")
              .concurrency(64)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(REPORT, counted(a -> "report"))
              .handle(SYNC, counted(a -> "sync:" + a.customer()))
              .handle(PLAIN, counted(a -> "wide"))
              .start());
    }
    return spools.getFirst();
  }

  private int peakOf(String group) {
    return peak.getOrDefault(group, new AtomicInteger()).get();
  }

  @Test
  void limitsPerTypeAndPerKeyHoldAcrossThreeNodesOf64Slots() {
    Spool spool = startNodes(3);
    List<Sync> reports = new ArrayList<>();
    List<Sync> syncs = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      reports.add(new Sync("-", i));
      syncs.add(new Sync("customer-" + (i % 4), i));
    }
    spool.enqueueAll(REPORT, reports);
    spool.enqueueAll(SYNC, syncs);

    await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == 800);
    assertThat(peakOf("report")).isEqualTo(5); // never more, and the limit is used
    for (int c = 0; c < 4; c++) {
      assertThat(peakOf("sync:customer-" + c)).isBetween(1, 2);
    }
    assertThat(retried.get()).isZero(); // waiting for a slot uses no attempt
    assertThat(spool.monitor().counts("limited"))
        .isEqualTo(new QueueCounts("limited", 0, 0, 0, 800, 0));
  }

  @Test
  void aQueueWideLimitHoldsAcrossNodesAndCanBeRaised() {
    Spool spool = startNodes(3);
    QueueControl wide = spool.queue("wide");
    wide.limitConcurrency(7);
    assertThat(wide.concurrencyLimit()).hasValue(7);
    List<Sync> jobs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      jobs.add(new Sync("-", i));
    }
    spool.enqueueAll(PLAIN, jobs);
    await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == 500);
    assertThat(peakOf("wide")).isEqualTo(7);

    wide.removeLimits();
    assertThat(wide.concurrencyLimit()).isEmpty();
  }

  @Test
  void theSlotsOfADeadNodeComeBackWhenItsJobsAreReaped() throws Exception {
    Spool spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).build();
    spools.add(spool);
    CountDownLatch held = new CountDownLatch(5);
    Worker doomed =
        spool
            .worker("doomed")
            .concurrency(10)
            .lease(Duration.ofMillis(900))
            .handle(
                REPORT,
                (job, a) -> {
                  held.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    List<Sync> jobs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      jobs.add(new Sync("-", i));
    }
    spool.enqueueAll(REPORT, jobs);
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    doomed.halt(); // holds all 5 slots, as a process that died would

    AtomicInteger survivorRuns = new AtomicInteger();
    workers.add(
        spool
            .worker("survivor")
            .concurrency(10)
            .lease(Duration.ofMillis(900))
            .handle(REPORT, (job, a) -> survivorRuns.incrementAndGet())
            .start());
    await().atMost(Duration.ofSeconds(20)).until(() -> survivorRuns.get() == 8);
  }

  /**
   * The park list of a limit holding another type (written behind Spool's back): the end of a job
   * of that limit looks there for a parked job to wake, and failed the whole completion call, after
   * the leases of every job in it were taken off. It is set aside now, and the jobs succeed.
   */
  @Test
  void aParkListOfAnotherTypeIsSetAsideAndTheLimitedJobsSucceed() {
    String park = f.namespace + ":{limited}:park:t:report";
    f.redis().set(park, "garbage");
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(f.spool.enqueue(REPORT, new Sync("c", i)));
    }
    workers.add(f.worker("node-1").handle(REPORT, counted(Sync::customer)).start());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id -> f.spool.statuses().findOrUnknown(id).state() == State.SUCCEEDED));
    assertThat(f.redis().get(f.namespace + ":{limited}:corrupt:park:t:report"))
        .isEqualTo("garbage");
  }
}
