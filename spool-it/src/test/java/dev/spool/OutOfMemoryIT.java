package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis at maxmemory with noeviction: live nodes keep their leases and names. */
class OutOfMemoryIT {
  SpoolRedis redis;
  Fixtures f;

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    f = new Fixtures(redis.uri());
  }

  @AfterEach
  void tearDown() {
    f.redis().configSet("maxmemory", "0");
    f.close();
    redis.close();
  }

  @Test
  void runningJobsKeepTheirLeasesWhileRedisIsOutOfMemory() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    f.worker("node-1")
        .handle(
            NOOP,
            (job, a) -> {
              runs.incrementAndGet();
              started.countDown();
              finish.await();
            })
        .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    exhaustMemory();
    assertThatThrownBy(() -> f.spool.enqueue(NOOP, new Noop(2)))
        .isInstanceOf(RedisOutOfMemoryException.class)
        .hasMessageContaining("out of memory");

    // Many leases long: the heartbeat still renews the lease, so the job is not run again.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> runs.get() == 1 && "started".equals(f.redis().hget(f.jobKey(id), "s")));
    assertThat(f.spool.monitor().nodes()).singleElement().matches(NodeInfo::alive);

    f.redis().configSet("maxmemory", "0");
    finish.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "succeeded".equals(f.redis().hget(f.jobKey(id), "s")));
    assertThat(runs).hasValue(1);
  }

  /** Sets maxmemory below what is used: Redis refuses every write that may grow memory. */
  private void exhaustMemory() {
    f.redis().configSet("maxmemory-policy", "noeviction");
    long used = Long.parseLong(info("used_memory"));
    f.redis().configSet("maxmemory", Long.toString(used / 2));
  }

  private String info(String field) {
    return f.redis()
        .info("memory")
        .lines()
        .filter(l -> l.startsWith(field + ":"))
        .findFirst()
        .orElseThrow()
        .substring(field.length() + 1)
        .strip();
  }
}
