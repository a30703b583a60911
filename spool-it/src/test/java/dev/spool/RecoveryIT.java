package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leases, crashes, graceful shutdown and the concurrency limit. */
class RecoveryIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void jobsOfACrashedNodeRunOnAnotherNodeAfterTheLease() throws Exception {
    f.spool.enqueueAll(NOOP, Fixtures.noops(5));
    CountDownLatch allHeld = new CountDownLatch(5);
    Worker doomed =
        f.worker("doomed")
            .concurrency(5)
            .handle(
                NOOP,
                (job, a) -> {
                  allHeld.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    assertThat(allHeld.await(10, TimeUnit.SECONDS)).isTrue();
    doomed.halt(); // no acknowledgement, no hand-back: as if the process died

    Map<Long, Integer> attempts = new ConcurrentHashMap<>();
    Map<Long, String> nodes = new ConcurrentHashMap<>();
    f.worker("survivor")
        .handle(
            NOOP,
            (job, a) -> {
              attempts.put(job.id().number(), job.attempt());
              nodes.put(job.id().number(), job.node());
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> f.spool.monitor().counts("work").completed() == 5);
    assertThat(attempts).hasSize(5).allSatisfy((id, attempt) -> assertThat(attempt).isEqualTo(1));
    assertThat(nodes.values()).containsOnly("survivor");
    assertThat(f.spool.monitor().counts("work")).isEqualTo(new QueueCounts("work", 0, 0, 0, 5, 0));
  }

  @Test
  void withTheDefaultSettingsTheJobsOfADeadNodeRunElsewhereSoonAfterTheLease() throws Exception {
    f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    Fixtures.crashHolding(f.spool.worker("doomed"), NOOP, 3);

    f.spool.worker("survivor").handle(NOOP, (job, a) -> {}).start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> f.spool.monitor().counts("work").completed() == 3);
  }

  @Test
  void aLeaseKeptAliveByHeartbeatsIsNotReaped() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    f.worker("slow")
        .handle(
            NOOP,
            (job, a) -> {
              runs.incrementAndGet();
              started.countDown();
              Thread.sleep(2_500); // almost three leases of 900 ms
            })
        .start();
    f.worker("other").handle(NOOP, (job, a) -> runs.incrementAndGet()).start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aStaleAttemptFinishingDoesNotCostTheNodeItsNewerAttempt() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    List<Integer> started = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(1);
    f.worker("node-1")
        .concurrency(2)
        .handle(
            NOOP,
            (job, a) -> {
              started.add(job.attempt());
              if (job.attempt() == 0) {
                first.await();
              } else {
                second.await();
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.contains(0));
    // As if the node had stalled past its lease: the reaper hands the job out again, and this
    // same node, the only one, fetches attempt 1 while attempt 0 still runs.
    // (Heartbeats renew only leases their node owns, so the lease is first made someone else's.)
    f.redis().hset(f.jobKey(id), "w", "somebody-else");
    f.redis().zadd(f.namespace + ":{work}:active", 1, Long.toString(id.number()));
    await().atMost(Duration.ofSeconds(10)).until(() -> started.contains(1));
    first.countDown(); // attempt 0 ends: its acknowledgement is stale
    // Attempt 1 must stay held and leased: no third start over several leases.
    await()
        .during(Duration.ofMillis(2500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> started.size() == 2);
    assertThat(started).containsExactly(0, 1);
    second.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "succeeded".equals(f.redis().hget(f.jobKey(id), "s")));
    assertThat(started).containsExactly(0, 1);
  }

  @Test
  void anOutcomeRedisDoesNotRecordIsLoggedNamingItsJob() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A long lease: no heartbeat (every 15 s) notices the lost lease before the handler ends.
    f.worker("node-1")
        .lease(Duration.ofSeconds(60))
        .handle(
            NOOP,
            (job, a) -> {
              running.countDown();
              release.await();
            })
        .start();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    f.spool.statuses().find(id).orElseThrow().forceDelete(); // the job is no longer its attempt
    try (CapturedErr err = new CapturedErr()) {
      release.countDown();
      // Before, the run's end was dropped without a word.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !err.lines("WARN", "was not recorded").isEmpty());
      assertThat(err.lines("WARN", "was not recorded").getFirst())
          .contains("work:1 (noop, attempt 0)")
          .contains("no longer this node's attempt");
    }
  }

  @Test
  void gracefulCloseHandsUnfinishedJobsBackAtOnce() throws Exception {
    f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    CountDownLatch allStarted = new CountDownLatch(3);
    Worker worker =
        f.spool
            .worker("leaving")
            .lease(Duration.ofSeconds(60)) // a hand-back must not wait for the lease
            .shutdownTimeout(Duration.ofMillis(200))
            .concurrency(3)
            .handle(
                NOOP,
                (job, a) -> {
                  allStarted.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();
    worker.close();
    assertThat(f.spool.monitor().counts("work")).isEqualTo(new QueueCounts("work", 3, 0, 0, 0, 0));

    List<Integer> attempts = new CopyOnWriteArrayList<>();
    f.worker("next").handle(NOOP, (job, a) -> attempts.add(job.attempt())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 3);
    assertThat(attempts).as("a hand-back uses up no attempt").containsOnly(0);
  }

  @Test
  void gracefulCloseLetsRunningJobsFinish() throws Exception {
    f.spool.enqueueAll(NOOP, Fixtures.noops(4));
    CountDownLatch allStarted = new CountDownLatch(4);
    Worker worker =
        f.spool
            .worker("leaving")
            .shutdownTimeout(Duration.ofSeconds(10))
            .concurrency(4)
            .handle(
                NOOP,
                (job, a) -> {
                  allStarted.countDown();
                  Thread.sleep(300);
                })
            .start();
    assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();
    worker.close();
    assertThat(f.spool.monitor().counts("work")).isEqualTo(new QueueCounts("work", 0, 0, 0, 4, 0));
  }

  @Test
  void concurrencyLimitIsNeverExceeded() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(300));
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    f.worker("node-1")
        .concurrency(7)
        .handle(
            NOOP,
            (job, a) -> {
              max.accumulateAndGet(now.incrementAndGet(), Math::max);
              Thread.sleep(2);
              now.decrementAndGet();
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> f.spool.monitor().counts("work").completed() == 300);
    assertThat(max.get()).isBetween(2, 7);
  }

  @Test
  void tenThousandJobsOverThreeWorkersRunExactlyOnceEach() {
    int n = 10_000;
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(n));
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    for (String name : List.of("w1", "w2", "w3")) {
      f.worker(name)
          .concurrency(20)
          .handle(
              NOOP,
              (job, a) ->
                  runs.computeIfAbsent(job.id().number(), k -> new AtomicInteger())
                      .incrementAndGet())
          .start();
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> f.spool.monitor().counts("work").completed() == n);
    assertThat(runs).hasSize(n);
    assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(runs.keySet())
        .containsExactlyInAnyOrderElementsOf(ids.stream().map(JobId::number).toList());
    assertThat(f.spool.monitor().counts("work")).isEqualTo(new QueueCounts("work", 0, 0, 0, n, 0));
  }

  @Test
  void aJobWhoseNodeKeepsDyingEndsDeadInsteadOfLooping() throws Exception {
    JobType<Fixtures.Noop> fragile = NOOP.withRetry(Retry.fixed(2, Duration.ofMillis(10)));
    JobId id = f.spool.enqueue(fragile, new Fixtures.Noop(1));
    for (int i = 0; i < 2; i++) {
      CountDownLatch held = new CountDownLatch(1);
      Worker w =
          f.worker("crashy-" + i)
              .handle(
                  fragile,
                  (job, a) -> {
                    held.countDown();
                    Fixtures.untilInterrupted();
                  })
              .start();
      assertThat(held.await(15, TimeUnit.SECONDS)).isTrue();
      w.halt();
    }
    // A third node only reaps: the job has used both attempts.
    try (CapturedErr err = new CapturedErr()) {
      f.worker("reaper").handle(fragile, (job, a) -> {}).start();
      await().atMost(Duration.ofSeconds(15)).until(() -> f.spool.deadJobs().size("work") == 1);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !err.lines("WARN", "1 job is dead: their node died").isEmpty());
    }
    assertThat(f.spool.deadJobs().list("work", 0, 1).getFirst().error())
        .contains("lease expired on node 'crashy-1'");
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("failed");
  }

  @Test
  void aJobWhoseKillWasRequestedWhileItsNodeWasGoneEndsKilledAndNeverRunsAgain() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    Fixtures.crashHolding(f.worker("doomed"), NOOP, 1);
    f.spool.statuses().find(id).orElseThrow().requestKill();
    List<Integer> ranAgain = new CopyOnWriteArrayList<>();

    f.worker("survivor").handle(NOOP, (job, a) -> ranAgain.add(a.n())).start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.KILLED);
    assertThat(f.spool.outcome(id).get(10, java.util.concurrent.TimeUnit.SECONDS).state())
        .isEqualTo(State.KILLED);
    // A later job runs on the survivor, so it had every chance to run the killed one first.
    JobId next = f.spool.enqueue(NOOP, new Fixtures.Noop(2));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(next).orElseThrow().state() == State.SUCCEEDED);
    assertThat(ranAgain).containsExactly(2);
    assertThat(f.spool.statuses().find(id).orElseThrow().errors().toString())
        .contains("LeaseExpired");
  }
}
