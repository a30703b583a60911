package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A batch submit that fails midway while Redis does not answer even the report of the parts it did
 * not enqueue: the exception says they are not counted yet, and counts them once Redis is back,
 * settling the parts whose call got no answer, so that the batch completes.
 */
class BatchSubmitOutageIT {
  static final JobType<Noop> REPORT = JobType.of("report", Noop.class).withQueue("work");

  SpoolRedis redis;
  Fixtures f;

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated(); // paused below: no other test's Redis
    f = new Fixtures(redis.uri());
  }

  @AfterEach
  void tearDown() {
    f.close();
    redis.close();
  }

  @Test
  void partsNotCountedWhileRedisDidNotAnswerAreCountedOnceItIsBack() throws Exception {
    AtomicBoolean paused = new AtomicBoolean();
    // Its key is read as each job is enqueued: the first read stops Redis's writes for 3 s (a
    // stall), midway through the submit, longer than the client waits for an answer.
    JobType<Noop> stalling =
        JobType.of("stalling", Noop.class)
            .withQueue("work")
            .withConcurrencyLimit(
                1000,
                a -> {
                  if (paused.compareAndSet(false, true)) {
                    f.redis().clientPause(3_000); // all clients' commands wait
                  }
                  return "all";
                });
    try (Spool impatient =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .commandTimeout(Duration.ofMillis(300))
            .build()) {
      Batch.Builder b = impatient.batch().onComplete(REPORT, new Noop(-1));
      for (int i = 0; i < 300; i++) {
        b.add(NOOP, new Noop(i));
      }
      for (int i = 0; i < 100; i++) {
        b.add(stalling, new Noop(i));
      }
      for (int i = 300; i < 400; i++) {
        b.add(NOOP, new Noop(i)); // never sent: the submit stopped before
      }

      Throwable t = catchThrowable(b::submit);

      assertThat(t).isInstanceOf(BatchSubmitException.class);
      BatchSubmitException e = (BatchSubmitException) t;
      assertThat(e.countedAsFailed()).isFalse();
      assertThat(e.getMessage()).contains("NOT yet counted as failed parts");
      assertThat(e.notEnqueued()).hasSize(100);

      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(e::countNotEnqueued); // once Redis answers again
      e.countNotEnqueued(); // a second call changes nothing

      assertThat(e.countedAsFailed()).isTrue();
      AtomicInteger reports = new AtomicInteger();
      f.worker("node-1")
          .concurrency(8)
          .handle(NOOP, (job, a) -> {})
          .handle(stalling, (job, a) -> {})
          .handle(REPORT, (job, a) -> reports.incrementAndGet())
          .start();
      // The stalled call's parts: run if Redis ran the call before the settle, else fenced off
      // and counted as failed; either way the batch completes and its on-complete job runs.
      await().atMost(Duration.ofSeconds(30)).until(() -> reports.get() == 1);
      BatchProgress progress = e.batch().progress();
      assertThat(progress.finished()).isTrue();
      assertThat(progress.failed()).isEqualTo(100 + e.foundNotEnqueued().size());
      assertThat(progress.succeeded()).isEqualTo(500 - progress.failed());
    }
  }
}
