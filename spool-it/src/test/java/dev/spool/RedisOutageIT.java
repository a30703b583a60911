package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis going away: enqueue fails loudly, workers wait and resume, no job is lost. */
class RedisOutageIT {
  SpoolRedis redis;
  Fixtures f;

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    f = new Fixtures(redis.uri());
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    redis.close();
  }

  @Test
  void enqueueWhileRedisIsDownThrowsAndQueuesNothing() {
    redis.stop();
    assertThatThrownBy(() -> f.spool.enqueue(NOOP, new Noop(1)))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("cannot reach Redis at redis://127.0.0.1:" + redis.port());
    redis.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> f.spool.enqueue(NOOP, new Noop(2)) != null);
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
  }

  @Test
  void workersReconnectAfterAnOutageAndLoseNoJob() {
    int n = 400;
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    f.spool.enqueueAll(NOOP, Fixtures.noops(n));
    f.worker("node-1")
        .concurrency(4)
        .handle(
            NOOP,
            (job, a) -> {
              runs.computeIfAbsent(a.n(), k -> new AtomicInteger()).incrementAndGet();
              Thread.sleep(5);
            })
        .start();
    await().atMost(Duration.ofSeconds(20)).until(() -> runs.size() > 50);
    redis.stop();
    redis.start();

    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> f.spool.monitor().counts("work").completed() == n);
    assertThat(runs).hasSize(n);
    assertThat(f.spool.monitor().counts("work")).isEqualTo(new QueueCounts("work", 0, 0, 0, n, 0));
  }
}
