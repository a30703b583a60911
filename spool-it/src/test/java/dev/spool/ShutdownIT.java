package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Graceful shutdown under load: nothing a node leased is left to its lease. */
class ShutdownIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void stopSaysHowManyJobsFinishedAndHowManyWereHandedBackAndASecondCallHurriesIt()
      throws Exception {
    CountDownLatch finish = new CountDownLatch(1);
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(4));
    Worker worker =
        f.worker("stopping")
            .concurrency(4)
            .handle(
                NOOP,
                (job, a) -> {
                  if (a.n() < 2) {
                    finish.await(); // finishes during the stop
                  } else {
                    Fixtures.untilInterrupted(); // handed back
                  }
                })
            .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.running() == 4);

    CompletableFuture<StopSummary> graceful =
        CompletableFuture.supplyAsync(() -> worker.stop(Duration.ofMinutes(5)));
    await().atMost(Duration.ofSeconds(10)).until(worker::isStopping);
    finish.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.running() == 2);
    StopSummary hurried = worker.stop(Duration.ZERO); // a second Ctrl-C

    assertThat(hurried).isEqualTo(new StopSummary(2, 2, 0));
    assertThat(graceful.get(10, TimeUnit.SECONDS)).isEqualTo(hurried);
    assertThat(worker.stop()).as("a stop after the stop").isEqualTo(hurried);
    assertThat(worker.running()).isZero();
    QueueCounts counts = f.spool.monitor().counts("work");
    assertThat(counts.processing()).isZero();
    assertThat(counts.ready()).as("handed back").isEqualTo(2);
    assertThat(counts.completed()).isEqualTo(2);
    for (JobId id : ids.subList(2, 4)) {
      assertThat(f.spool.statuses().find(id).orElseThrow().attempt())
          .as("a handed-back job keeps its attempt")
          .isZero();
    }
  }

  @Test
  void closingWhileFetchesAreInFlightLeavesNoJobToItsLease() {
    int n = 10_000;
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(n));
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<Long, Integer> attempts = new ConcurrentHashMap<>();
    for (int i = 0; i < 6 && f.spool.monitor().counts("work").ready() > 0; i++) {
      AtomicInteger ran = new AtomicInteger();
      Worker leaving =
          f.worker("leaving-" + i)
              .lease(Duration.ofSeconds(120)) // a dropped job would sit out this lease
              .concurrency(64)
              .handle(
                  NOOP,
                  (job, a) -> {
                    runs.computeIfAbsent(job.id().number(), k -> new AtomicInteger())
                        .incrementAndGet();
                    attempts.put(job.id().number(), job.attempt());
                    ran.incrementAndGet();
                  })
              .start();
      await() // fetching at full speed
          .atMost(Duration.ofSeconds(10))
          .until(() -> ran.get() > 0 || f.spool.monitor().counts("work").ready() == 0);
      leaving.close();
      assertThat(f.spool.monitor().counts("work").processing())
          .as("jobs leased to a closed node")
          .isZero();
    }

    f.worker("next")
        .concurrency(64)
        .handle(
            NOOP,
            (job, a) -> {
              runs.computeIfAbsent(job.id().number(), k -> new AtomicInteger()).incrementAndGet();
              attempts.put(job.id().number(), job.attempt());
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> f.spool.monitor().counts("work").completed() == n);
    assertThat(runs.keySet())
        .containsExactlyInAnyOrderElementsOf(ids.stream().map(JobId::number).toList());
    assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    assertThat(attempts.values()).as("no attempt used up by a shutdown").containsOnly(0);
  }
}
