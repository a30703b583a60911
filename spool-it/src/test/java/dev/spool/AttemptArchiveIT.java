package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new attempt starts afresh, as in jobba: progress, errors and data of the attempt before are
 * archived in {@link JobStatus#previousAttempts()} and reset, whether the status is restarted by
 * hand, retried by the engine or handed back at shutdown. A success is 100 % done.
 */
class AttemptArchiveIT {
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
  void aStatusStartedAgainByHandArchivesItsDataAndStartsEmpty() {
    JobStatus s = f.spool.statuses().create().queued().started();
    s.progress(0.5).addError(Map.of("msg", "first")).save("1st attempt");

    JobStatus again = s.started().reload();

    assertThat(again.attempt()).isEqualTo(1);
    assertThat(again.progress()).isZero();
    assertThat(again.errors()).isEmpty();
    assertThat(again.data()).isNull();
    Map<String, Object> first = again.previousAttempts().getFirst();
    assertThat(first).containsEntry("data", "1st attempt").containsEntry("progress", "0.5");
  }

  @Test
  void anEngineRetryArchivesTheFailedAttemptsDataAndASuccessIsDone() {
    JobType<Noop> flaky =
        JobType.of("flaky-data", Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(2, Duration.ofMillis(50)));
    JobId id = f.spool.enqueue(flaky, new Noop(1));
    f.worker("node-1")
        .handle(
            flaky,
            (job, a) -> {
              if (job.attempt() == 0) {
                job.progress(1, 4);
                job.save(Map.of("step", "download"));
                throw new IllegalStateException("network down");
              }
            })
        .start();

    await().atMost(Duration.ofSeconds(10)).until(() -> status(id).state() == State.SUCCEEDED);

    JobStatus done = status(id);
    assertThat(done.progress()).isEqualTo(1.0);
    assertThat(done.data()).isNull();
    assertThat(done.errors()).isEmpty();
    assertThat(done.previousAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a).containsEntry("data", Map.of("step", "download")));
  }

  @Test
  void aJobHandedBackAtShutdownDoesNotShowItsInterruptedRunAsItsOwn() throws Exception {
    CountDownLatch halfway = new CountDownLatch(1);
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    Worker worker =
        f.spool
            .worker("node-1")
            .shutdownTimeout(Duration.ofMillis(200))
            .handle(
                NOOP,
                (job, a) -> {
                  job.progress(0.525);
                  job.save("halfway");
                  halfway.countDown();
                  Fixtures.untilInterrupted(); // a long job, interrupted at shutdown
                })
            .start();
    assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();

    worker.close();

    JobStatus queued = status(id);
    assertThat(queued.state()).isEqualTo(State.QUEUED);
    assertThat(queued.attempt()).as("no attempt used up").isZero();
    assertThat(queued.progress()).isZero();
    assertThat(queued.data()).isNull();
    assertThat(queued.timestamp(Timestamp.STARTED_AT)).isEmpty();
    List<Map<String, Object>> previous = queued.previousAttempts();
    assertThat(previous)
        .singleElement()
        .satisfies(
            a ->
                assertThat(a)
                    .containsEntry("state", "handed back")
                    .containsEntry("data", "halfway")
                    .containsEntry("progress", "0.525"));
  }

  private JobStatus status(JobId id) {
    return f.spool.statuses().find(id).orElseThrow();
  }

  @Test
  void aRetryOfADeadJobArchivesTheAttemptThatDied() {
    JobType<Noop> fragile =
        JobType.of("fragile-archive", Noop.class).withQueue("work").withRetry(Retry.none());
    JobId id = f.spool.enqueue(fragile, new Noop(1));
    List<Integer> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
    f.worker("node-1")
        .handle(
            fragile,
            (job, a) -> {
              runs.add(job.attempt());
              if (runs.size() == 1) {
                job.progress(0.25);
                throw new IllegalStateException("first run broke");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);

    assertThat(f.spool.deadJobs().retry(id)).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> status(id).state() == State.SUCCEEDED);
    JobStatus done = status(id);
    assertThat(runs).containsExactly(0, 1);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.previousAttempts()).hasSize(1);
    Map<String, Object> died = done.previousAttempts().get(0);
    assertThat(died).containsEntry("attempt", 0).containsEntry("state", "failed");
    assertThat(died.get("errors").toString()).contains("first run broke");
    assertThat(done.timestamp(Timestamp.FAILED_AT)).isEmpty();
  }
}
