package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pausing a queue: it keeps accepting jobs, no node starts one while it is paused (whatever wakes
 * the nodes meanwhile), the pause outlives the nodes, and a resume starts the jobs at once.
 */
class PauseIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> OTHER = JobType.of("other", Noop.class).withQueue("other");

  Fixtures f;
  Spool spool;
  final AtomicInteger runs = new AtomicInteger();
  final AtomicInteger otherRuns = new AtomicInteger();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).build();
  }

  @AfterEach
  void tearDown() {
    spool.close();
    f.close();
  }

  private Worker start(String name) {
    return spool
        .worker(name)
        .queues("work", "other")
        .concurrency(8)
        .shutdownTimeout(Duration.ofSeconds(2))
        .handle(NOOP, (job, a) -> runs.incrementAndGet())
        .handle(OTHER, (job, a) -> otherRuns.incrementAndGet())
        .start();
  }

  @Test
  void aPausedQueueRunsNothingWhileOtherQueuesRunAndResumesAtOnce() {
    QueueControl work = spool.queue("work");
    assertThat(work.isPaused()).isFalse();
    assertThat(work.pause()).isTrue();
    assertThat(work.pause()).isFalse(); // paused already
    assertThat(work.isPaused()).isTrue();
    try (Worker a = start("node-a");
        Worker b = start("node-b")) {
      spool.enqueueAll(NOOP, Fixtures.noops(100)); // accepted while paused
      spool.enqueue(
          NOOP, new Noop(1), JobOptions.builder().node("node-a").strictNode(true).build());
      spool.enqueue(NOOP, new Noop(2), JobOptions.builder().priority(5).build());
      // Jobs of another queue keep running, and each enqueue wakes the idle nodes meanwhile.
      for (int i = 0; i < 20; i++) {
        spool.enqueue(OTHER, new Noop(i));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> otherRuns.get() == 20);
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(6))
          .until(() -> runs.get() == 0);
      assertThat(spool.monitor().counts("work").ready()).isEqualTo(102);

      assertThat(work.resume()).isTrue();
      assertThat(work.resume()).isFalse(); // running already
      assertThat(work.isPaused()).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 102);
    }
  }

  @Test
  void thePauseOutlivesTheNodesAndIsSharedByEveryClient() {
    spool.queue("work").pause();
    List<JobId> ids = spool.enqueueAll(NOOP, Fixtures.noops(10));
    try (Worker a = start("node-a")) {
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> runs.get() == 0);
    }
    // Another client, as a restarted application or `spool queue resume` would be.
    try (Spool other = Spool.builder().redis(redis.uri()).namespace(f.namespace).build()) {
      assertThat(other.queue("work").isPaused()).isTrue();
      try (Worker b = start("node-b")) {
        assertThat(runs.get()).isZero();
        assertThat(other.queue("work").resume()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == ids.size());
      }
    }
  }
}
