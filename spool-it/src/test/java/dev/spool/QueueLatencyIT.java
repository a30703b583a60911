package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A queue's latency, Sidekiq's figure to alert on and scale by: how long its longest-waiting ready
 * job has waited, measured on Redis's clock from when the job was queued (or came due).
 */
class QueueLatencyIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  /** Enqueues as an application whose jobs were queued an hour ago would have. */
  Spool anHourAgo;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    anHourAgo =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .clock(new MutableClock(Instant.now().minus(Duration.ofHours(1))))
            .build();
  }

  @AfterEach
  void tearDown() {
    anHourAgo.close();
    f.close();
  }

  private Duration latency(String queue) {
    return f.spool.monitor().counts(queue).latency();
  }

  private static void assertAbout(Duration actual, Duration expected) {
    assertThat(actual).isBetween(expected.minusSeconds(60), expected.plusSeconds(60));
  }

  @Test
  void aQueueWithNoReadyJobHasNoLatency() {
    assertThat(latency("work")).isZero();
    f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofHours(1)).build());
    assertThat(f.spool.monitor().counts("work").delayed()).isEqualTo(1);
    assertThat(latency("work")).isZero();
  }

  @Test
  void theLongestWaitingJobOfTheReadyListCounts() {
    anHourAgo.enqueue(NOOP, new Noop(1));
    f.spool.enqueue(NOOP, new Noop(2));
    assertAbout(latency("work"), Duration.ofHours(1));
  }

  @Test
  void theOldestLowPriorityJobWaitingBehindHigherOnesCounts() {
    anHourAgo.enqueue(NOOP, new Noop(1), JobOptions.builder().priority(-5).build());
    f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().priority(-5).build());
    f.spool.enqueue(NOOP, new Noop(3), JobOptions.builder().priority(-5).build());
    f.spool.enqueue(NOOP, new Noop(4), JobOptions.builder().priority(5).build());
    assertAbout(latency("work"), Duration.ofHours(1));
  }

  @Test
  void aJobHandedBackWaitsFromItsHandBackNotFromItsFirstQueueing() throws Exception {
    anHourAgo.enqueue(NOOP, new Noop(1));
    CountDownLatch running = new CountDownLatch(1);
    Worker worker =
        f.worker("node-1")
            .handle(
                NOOP,
                (job, a) -> {
                  running.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.stop(Duration.ZERO).handedBack()).isEqualTo(1);
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    assertThat(latency("work")).isLessThan(Duration.ofMinutes(1));
  }

  @Test
  void aDelayedJobRunNowIsReadySinceThen() {
    JobId promoted =
        f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofDays(1)).build());
    // Run now by an operator whose clock is an hour behind Redis's: ready since an hour ago, not
    // since its due time tomorrow.
    assertThat(anHourAgo.runNow(promoted)).isTrue();
    assertAbout(latency("work"), Duration.ofHours(1));
  }

  @Test
  void aJobPinnedToANodeCounts() {
    anHourAgo.enqueue(
        NOOP, new Noop(1), JobOptions.builder().node("node-9").strictNode(true).build());
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    assertAbout(latency("work"), Duration.ofHours(1));
  }

  @Test
  void aJobIsReadySinceItsDueTimeWhenThatCameLater() {
    JobId id = anHourAgo.enqueue(NOOP, new Noop(1));
    // As a retry or a delayed job staged: due five minutes ago, first queued an hour ago.
    long due = Instant.now().minus(Duration.ofMinutes(5)).toEpochMilli();
    f.redis().hset(f.jobKey(id), "due", Long.toString(due));
    assertAbout(latency("work"), Duration.ofMinutes(5));
  }

  @Test
  void garbageAtTheHeadOfAListIsNoWait() {
    f.redis().rpush(f.namespace + ":{work}:ready", "not-a-job", "424242");
    assertThat(latency("work")).isZero();
    JobId id = anHourAgo.enqueue(NOOP, new Noop(1), JobOptions.builder().priority(1).build());
    f.redis().hset(f.jobKey(id), "que", "yesterday");
    assertThat(latency("work")).isZero();
  }

  @Test
  void aShardedQueueWaitsAsLongAsItsLongestWaitingShard() {
    try (Spool sharded =
            Spool.builder()
                .redis(redis.uri())
                .namespace(f.namespace)
                .shardedQueue("mail", 2)
                .build();
        Spool shardedAnHourAgo =
            Spool.builder()
                .redis(redis.uri())
                .namespace(f.namespace)
                .shardedQueue("mail", 2)
                .clock(new MutableClock(Instant.now().minus(Duration.ofHours(1))))
                .build()) {
      JobType<Noop> mail = NOOP.withQueue("mail");
      shardedAnHourAgo.enqueue(mail, new Noop(1));
      for (int i = 0; i < 4; i++) {
        sharded.enqueue(mail, new Noop(i));
      }
      assertAbout(sharded.monitor().counts("mail").latency(), Duration.ofHours(1));
    }
  }
}
