package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FailureRecorded;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
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
      assertThat(attempts).containsExactly(0, 1, 2); // each run its own number, no retry used
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

  private static FetchedJob fetchOne(RedisJobStore store) {
    List<FetchedJob> fetched =
        store.fetch("work", "node-1", Micros.now(Clock.systemUTC()), 60_000, 1);
    assertThat(fetched).hasSize(1);
    return fetched.getFirst();
  }

  @Test
  void aPostponementSentAgainAfterTheJobRanAgainIsRefused() throws Exception {
    // The node's first call got no answer in time, and it sends the same postponement again,
    // while the job, due at once, was fetched again meanwhile: that next run is not touched.
    JobId id = f.spool.enqueue(Fixtures.NOOP, new Noop(1));
    RedisJobStore store = f.jobStore();
    FetchedJob first = fetchOne(store);
    long now = Micros.now(Clock.systemUTC());
    Failure postpone = Failure.postponed(first, "{}", now / 1000);
    assertThat(store.fail("work", "node-1", postpone, now).get())
        .isEqualTo(FailureRecorded.POSTPONED);
    assertThat(f.spool.runNow(id)).isTrue();
    FetchedJob second = fetchOne(store);
    assertThat(second.attempt()).isEqualTo(first.attempt() + 1);

    assertThat(store.fail("work", "node-1", postpone, now).get())
        .isEqualTo(FailureRecorded.NOT_HELD);

    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("started");
    assertThat(f.redis().zscore(f.namespace + ":{work}:active", "" + id.number())).isNotNull();
  }

  @Test
  void aKillRequestedWhileTheHandlerEndedWinsOverThePostponement() throws Exception {
    JobId id = f.spool.enqueue(Fixtures.NOOP, new Noop(1));
    RedisJobStore store = f.jobStore();
    FetchedJob run = fetchOne(store);
    f.spool.statuses().find(id).orElseThrow().requestKill();
    long now = Micros.now(Clock.systemUTC());

    store.fail("work", "node-1", Failure.postponed(run, "{}", now / 1000 + 60_000), now).get();

    JobStatus status = f.spool.statuses().find(id).orElseThrow();
    assertThat(status.state()).isEqualTo(State.KILLED);
    assertThat(status.errors().toString()).contains("killed on request");
    assertThat(f.redis().zscore(f.namespace + ":{work}:delayed", "" + id.number())).isNull();
  }

  @Test
  void aSuccessCallbackThatAsksToRunLaterFailsTheAttemptInstead() throws Exception {
    JobType<Noop> once = JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());
    List<Integer> runs = new CopyOnWriteArrayList<>();
    JobId id = f.spool.enqueue(once, new Noop(1));
    f.worker("node-1")
        .handle(once, (job, a) -> runs.add(job.attempt()))
        .onSuccess(
            once,
            (job, a) -> {
              throw new RunLaterException(Duration.ofMillis(10));
            })
        .start();

    JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(outcome.state()).isEqualTo(State.FAILED);
    assertThat(outcome.errors().toString()).contains("only a handler may run its job later");
    assertThat(runs).containsExactly(0);
  }
}
