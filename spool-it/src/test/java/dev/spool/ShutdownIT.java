package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
