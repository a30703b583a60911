package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leases are counted on Redis's clock: the nodes' clocks may disagree. */
class LeaseClockIT {
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
  void aNodeWhoseClockRunsTenSecondsFastDoesNotReapAnotherNodesHealthyJobs() throws Exception {
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    CountDownLatch held = new CountDownLatch(2);
    CountDownLatch finish = new CountDownLatch(1);
    f.spool.enqueueAll(NOOP, List.of(new Noop(1), new Noop(2)));
    f.worker("on-time")
        .lease(Duration.ofSeconds(2))
        .concurrency(2)
        .handle(
            NOOP,
            (job, a) -> {
              runs.computeIfAbsent(a.n(), k -> new AtomicInteger()).incrementAndGet();
              held.countDown();
              finish.await();
            })
        .start();
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

    Clock fast = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10));
    try (Spool skewed =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).clock(fast).build()) {
      // Its reaper runs every 150 ms (half its lease).
      skewed
          .worker("ahead")
          .lease(Duration.ofMillis(300))
          .handle(
              NOOP,
              (job, a) -> runs.computeIfAbsent(a.n(), k -> new AtomicInteger()).incrementAndGet())
          .start();
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(4))
          .until(
              () ->
                  runs.values().stream().allMatch(n -> n.get() == 1)
                      && f.spool.monitor().counts("work").processing() == 2);
    }
    finish.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 2);
    assertThat(runs).containsOnlyKeys(1, 2).allSatisfy((n, count) -> assertThat(count).hasValue(1));
  }
}
