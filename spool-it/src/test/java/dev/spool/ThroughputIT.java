package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.redis.Keys;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-minute throughput counters, written by the scripts that finish jobs and read for the last
 * hour; and the snapshot a live page polls. Time is the injected clock's, moved by hand.
 */
class ThroughputIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> ONCE =
      JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());
  static final Instant START = Instant.parse("2026-11-29T10:00:30Z");
  static final Instant START_MINUTE = Instant.parse("2026-11-29T10:00:00Z");

  final MutableClock clock = new MutableClock(START);
  final String namespace = SpoolRedis.namespace();
  Spool spool;
  Monitor monitor;

  @BeforeEach
  void setUp() {
    spool = Spool.builder().redis(redis.uri()).namespace(namespace).clock(clock).build();
    monitor = spool.monitor();
    // Every third job throws (no retry: it is dead at once); the others succeed.
    spool
        .worker("node")
        .handle(
            ONCE,
            (job, a) -> {
              if (a.n() % 3 == 0) {
                throw new IllegalStateException("planned failure " + a.n());
              }
            })
        .start();
  }

  @AfterEach
  void tearDown() {
    spool.close();
  }

  private void runAll(int succeeded, int dead) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              QueueCounts c = monitor.counts("work");
              return c.completed() == succeeded && c.dead() == dead && c.processing() == 0;
            });
  }

  @Test
  void eachMinuteCountsTheJobsThatSucceededAndFailedInIt() {
    spool.enqueueAll(ONCE, Fixtures.noops(9)); // 0, 3, 6 fail
    runAll(6, 3);
    clock.advance(Duration.ofMinutes(1));
    spool.enqueueAll(ONCE, List.of(new Noop(1), new Noop(2), new Noop(4), new Noop(5)));
    runAll(10, 3);

    Throughput t = monitor.throughput("work");
    assertThat(t.queue()).isEqualTo("work");
    assertThat(t.minutes()).hasSize(60);
    assertThat(t.minutes().getLast())
        .isEqualTo(new ThroughputMinute(START_MINUTE.plus(Duration.ofMinutes(1)), 4, 0));
    assertThat(t.minutes().get(58)).isEqualTo(new ThroughputMinute(START_MINUTE, 6, 3));
    assertThat(t.minutes().get(58).processed()).isEqualTo(9);
    assertThat(t.minutes().subList(0, 58))
        .allSatisfy(m -> assertThat(m.processed()).isZero())
        .extracting(ThroughputMinute::minute)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(t.succeeded()).isEqualTo(10);
    assertThat(t.failed()).isEqualTo(3);
    assertThat(t.processed()).isEqualTo(13);

    // An hour on, the first minute has left the window; the second is now its oldest.
    clock.advance(Duration.ofMinutes(59));
    Throughput later = monitor.throughput("work");
    assertThat(later.minutes().getFirst())
        .isEqualTo(new ThroughputMinute(START_MINUTE.plus(Duration.ofMinutes(1)), 4, 0));
    assertThat(later.processed()).isEqualTo(4);
  }

  @Test
  void theCountersExpireOnTheirOwnAndManyQueuesAreReadTogether() {
    spool.enqueueAll(ONCE, Fixtures.noops(3));
    runAll(2, 1);
    Keys.QueueKeys q = new Keys(namespace).queue("work");
    long minute = START.getEpochSecond() / 60;
    try (Fixtures f = new Fixtures(redis)) {
      assertThat(f.redis().hgetall(q.throughput(minute)))
          .containsEntry("succeeded", "2")
          .containsEntry("failed", "1");
      assertThat(f.redis().ttl(q.throughput(minute))).isBetween(3600L, 7200L);
      assertThat(f.redis().get(q.failed())).isEqualTo("1");
    }
    List<Throughput> both = monitor.throughput(List.of("idle", "work"));
    assertThat(both).extracting(Throughput::queue).containsExactly("idle", "work");
    assertThat(both.getFirst().minutes()).hasSize(60);
    assertThat(both.getFirst().processed()).isZero();
    assertThat(both.getLast().processed()).isEqualTo(3);
  }

  @Test
  void theSnapshotHasEveryCountAndAVersionThatGrowsWithEachEvent() {
    spool.enqueueAll(ONCE, Fixtures.noops(6));
    runAll(4, 2);
    QueuesSnapshot done = monitor.snapshot();
    assertThat(done.queues()).isEqualTo(1);
    assertThat(done.counts()).containsExactly(monitor.counts("work"));
    assertThat(done.version()).isEqualTo(6 + 4 + 2); // enqueued, succeeded, failed
    assertThat(monitor.snapshot()).isEqualTo(done); // nothing happened: nothing changed

    spool.enqueue(ONCE, new Noop(1));
    runAll(5, 2);
    QueuesSnapshot next = monitor.snapshot(List.of("work"));
    assertThat(next.version()).isEqualTo(done.version() + 2);
    assertThat(next.counts().getFirst().completed()).isEqualTo(5);
  }
}
