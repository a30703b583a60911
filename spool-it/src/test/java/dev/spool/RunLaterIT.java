package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A handler that cannot work yet asks to run later (BullMQ's DelayedError): the job waits in the
 * delayed set without using an attempt or recording an error, and gives back what it held.
 */
class RunLaterIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  final List<Instant> starts = new CopyOnWriteArrayList<>();
  final List<Integer> attempts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aPostponedJobRunsAgainAfterItsDelayWithNoAttemptUsedAndNoError() throws Exception {
    // One attempt only: were a postponement an attempt, the job would die at its second.
    JobType<Noop> type = JobType.of("sync", Noop.class).withQueue("work").withRetry(Retry.none());
    List<AttemptResult> results = new CopyOnWriteArrayList<>();
    List<Throwable> errbacks = new CopyOnWriteArrayList<>();
    JobId id = f.spool.enqueue(type, new Noop(1));
    try (Spool listened =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .listener(
                new JobListener() {
                  @Override
                  public void finished(JobEvent job, AttemptResult result, Duration execution) {
                    results.add(result);
                  }
                })
            .build()) {
      listened
          .worker("node-1")
          .handle(
              type,
              (job, a) -> {
                starts.add(Instant.now());
                attempts.add(job.attempt());
                job.progress(0.5);
                if (starts.size() < 3) {
                  throw new RunLaterException(Duration.ofMillis(300), "partner quota used up");
                }
              })
          .onFailure(type, (job, a, error) -> errbacks.add(error))
          .start();

      JobOutcome outcome = f.spool.outcome(id).get(20, TimeUnit.SECONDS);
      assertThat(outcome.state()).isEqualTo(State.SUCCEEDED);
      assertThat(attempts).containsExactly(0, 0, 0);
      // Never before its time: each run starts the delay after the one that postponed.
      assertThat(Duration.between(starts.get(0), starts.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(Duration.between(starts.get(1), starts.get(2)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      JobStatus status = f.spool.statuses().find(id).orElseThrow();
      assertThat(status.errors()).isEmpty();
      assertThat(status.previousAttempts()).isEmpty();
      assertThat(status.log())
          .extracting(JobLogLine::message)
          .hasSize(2)
          .allSatisfy(
              m ->
                  assertThat(m).startsWith("postponed until ").endsWith(": partner quota used up"));
      assertThat(errbacks).isEmpty();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(results)
                      .containsExactly(
                          AttemptResult.POSTPONED,
                          AttemptResult.POSTPONED,
                          AttemptResult.SUCCEEDED));
      assertThat(f.redis().get(f.namespace + ":{work}:failed")).isNull();
    }
  }

  @Test
  void whileItWaitsItsConcurrencySlotGoesToTheJobParkedForIt() throws Exception {
    JobType<Noop> limited =
        JobType.of("report", Noop.class).withQueue("work").withConcurrencyLimit(1);
    String parked = f.namespace + ":{work}:parked";
    JobId first = f.spool.enqueue(limited, new Noop(1));
    f.worker("node-1")
        .handle(
            limited,
            (job, a) -> {
              if (a.n() == 1 && job.status().log().isEmpty()) {
                // Postpones once the second job waits, parked, for this one's slot.
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> "1".equals(f.redis().get(parked)));
                throw new RunLaterException(Duration.ofHours(1));
              }
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(first).orElseThrow().state() == State.STARTED);
    JobId second = f.spool.enqueue(limited, new Noop(2));
    // The limit of one is not held by the waiting job: the parked one runs meanwhile.
    assertThat(f.spool.outcome(second).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    JobStatus waiting = f.spool.statuses().find(first).orElseThrow();
    assertThat(waiting.state()).isEqualTo(State.SCHEDULED);
    assertThat(waiting.progress()).isZero();
    double due = f.redis().zscore(f.namespace + ":{work}:delayed", "" + first.number());
    assertThat(due).isGreaterThan(System.currentTimeMillis() + 3_500_000.0);

    // Run now (promote) runs it at once: it is an ordinary delayed job.
    assertThat(f.spool.runNow(first)).isTrue();
    assertThat(f.spool.outcome(first).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
  }
}
