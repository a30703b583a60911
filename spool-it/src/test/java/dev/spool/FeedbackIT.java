package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node-side callbacks and errbacks, and outcomes back in the enqueuing application. */
class FeedbackIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  final List<String> calls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void callbacksRunInOrderAfterTheHandlerAndSeeWhatWasPut() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1")
        .handle(NOOP, (job, a) -> job.put("a", 1))
        .onSuccess(
            NOOP,
            (job, a) -> {
              calls.add("first " + job.values());
              job.put("b", 2);
            })
        .onSuccess(NOOP, (job, a) -> calls.add("second " + job.values()))
        .onFailure(NOOP, (job, a, e) -> calls.add("errback"))
        .start();
    JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(calls).containsExactly("first {a=1}", "second {a=1, b=2}");
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.result()).containsEntry("a", 1).containsEntry("b", 2);
  }

  @Test
  void aFailingCallbackRunsTheErrbacksWithItsErrorAndFailsTheAttempt() throws Exception {
    JobType<Noop> once = NOOP.withRetry(Retry.none());
    JobId id = f.spool.enqueue(once, new Noop(1));
    f.worker("node-1")
        .handle(once, (job, a) -> calls.add("handler"))
        .onSuccess(
            once,
            (job, a) -> {
              throw new IllegalStateException("callback broke");
            })
        .onFailure(once, (job, a, e) -> calls.add("errback 1: " + e.getMessage()))
        .onFailure(once, (job, a, e) -> calls.add("errback 2"))
        .start();
    JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(calls).containsExactly("handler", "errback 1: callback broke", "errback 2");
    assertThat(outcome.state()).isEqualTo(State.FAILED);
    assertThat(outcome.errors().toString()).contains("callback broke");
  }

  @Test
  void anErrorFeedbackCarriesWhatTheNodeAddedAsASuccessDoes() throws Exception {
    JobType<Noop> flaky = NOOP.withRetry(Retry.fixed(2, Duration.ofMillis(50)));
    JobId id = f.spool.enqueue(flaky, new Noop(1));
    f.worker("node-1")
        .handle(
            flaky,
            (job, a) -> {
              job.put("step", "before-fail-" + job.attempt());
              if (job.attempt() == 0) {
                job.put("only-in-attempt-0", true);
              }
              throw new IllegalStateException("boom " + job.attempt());
            })
        .start();
    JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(outcome.state()).isEqualTo(State.FAILED);
    // job_reactor's error feedback: the job's arguments plus what the node added, last attempt's.
    assertThat(outcome.result()).isEqualTo(Map.of("step", "before-fail-1"));
  }

  /** job_reactor: "error feedback will be launched after all attempts failed on the node side". */
  @Test
  void anErrorFeedbackComesOnlyAfterTheLastAttempt() throws Exception {
    JobType<Noop> flaky = NOOP.withRetry(Retry.fixed(3, Duration.ofMillis(50)));
    JobId id = f.spool.enqueue(flaky, new Noop(1));
    CompletableFuture<JobOutcome> outcome = f.spool.outcome(id);
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch secondAttempt = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    f.worker("node-1")
        .handle(
            flaky,
            (job, a) -> {
              attempts.incrementAndGet();
              if (job.attempt() == 1) {
                secondAttempt.countDown();
                release.await();
              }
              throw new IllegalStateException("boom " + job.attempt());
            })
        .start();
    assertThat(secondAttempt.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(outcome).as("the first attempt failed, a retry runs").isNotDone();
    release.countDown();
    assertThat(outcome.get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
    assertThat(attempts).hasValue(3);
  }

  @Test
  void anOutcomeIsStoredSoAClientThatRestartedStillGetsIt() throws Exception {
    JobId id;
    try (Spool before = Spool.builder().redis(redis.uri()).namespace(f.namespace).build()) {
      id = before.enqueue(NOOP, new Noop(1));
    }
    f.worker("node-1").handle(NOOP, (job, a) -> job.put("done", true)).start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
    try (Spool after = Spool.builder().redis(redis.uri()).namespace(f.namespace).build()) {
      JobOutcome outcome = after.outcome(id).get(10, TimeUnit.SECONDS);
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.result()).containsEntry("done", true);
    }
  }

  @Test
  void anOutcomeIsPushedWhenTheJobEndsLaterAlsoForKills() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    CompletableFuture<JobOutcome> future = f.spool.outcome(id);
    assertThat(future).isNotDone();
    f.worker("node-1")
        .handle(
            NOOP,
            (job, a) -> {
              started.countDown();
              Fixtures.untilInterrupted();
            })
        .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    f.spool.statuses().find(id).orElseThrow().requestKill();
    assertThat(future.get(10, TimeUnit.SECONDS).state()).isEqualTo(State.KILLED);
  }

  @Test
  void anUnknownJobHasNoOutcome() {
    CompletableFuture<JobOutcome> future = f.spool.outcome(new JobId("work", 4242));
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("no job 'work:4242'");
  }

  @Test
  void aHandlerSeesItsJob() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("reflective")
        .handle(
            NOOP,
            (job, a) -> {
              job.put("id", job.id().toString());
              job.put("node", job.node());
              job.put("attempt", job.attempt());
              job.put("state", job.status().state().name());
            })
        .start();
    JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(outcome.result())
        .containsEntry("id", id.toString())
        .containsEntry("node", "reflective")
        .containsEntry("attempt", 0)
        .containsEntry("state", "STARTED");
  }
}
