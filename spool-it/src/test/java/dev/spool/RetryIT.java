package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetryIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> FLAKY =
      JobType.of("flaky", Noop.class)
          .withQueue("work")
          .withRetry(Retry.fixed(3, Duration.ofMillis(50)));

  Fixtures f;
  final List<Integer> attempts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void failingJobIsRetriedThenSucceeds() {
    f.spool.enqueue(FLAKY, new Noop(1));
    f.worker("node-1")
        .handle(
            FLAKY,
            (job, a) -> {
              attempts.add(job.attempt());
              if (job.attempt() < 2) {
                throw new IllegalStateException("not yet");
              }
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
    assertThat(attempts).containsExactly(0, 1, 2);
    assertThat(f.spool.deadJobs().size("work")).isZero();
  }

  /** job_reactor's global retrying strategy (max_attempt, retry_multiplier), or per job. */
  @Test
  void aSpoolWideDefaultRetryAppliesToTypesAndJobsThatNameNone() {
    JobType<Noop> plain = JobType.of("plain", Noop.class).withQueue("work");
    JobType<Noop> once = plain.withRetry(Retry.none());
    Map<JobId, Integer> runs = new ConcurrentHashMap<>();
    List<JobId> ids = new ArrayList<>();
    try (Spool client =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .defaultRetry(Retry.fixed(3, Duration.ofMillis(20)))
            .build()) {
      ids.add(client.enqueue(plain, new Noop(1))); // the Spool's default: 3 attempts
      ids.add(client.enqueue(once, new Noop(2))); // its type's: 1
      ids.add(client.enqueue(plain, new Noop(3), JobOptions.builder().retry(Retry.none()).build()));
      client.recurring("tick", Schedule.every(Duration.ofHours(1)), plain, new Noop(4));
    }
    assertThat(plain.retry()).as("a type that names none").isEqualTo(Retry.DEFAULT);
    assertThat(plain.declaredRetry()).isEmpty();
    assertThat(once.declaredRetry()).contains(Retry.none());
    f.worker("node-1")
        .handle(
            plain,
            (job, a) -> {
              runs.merge(job.id(), 1, Integer::sum);
              throw new IllegalStateException("always");
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 3);
    assertThat(ids.stream().map(runs::get)).containsExactly(3, 1, 1);
    assertThat(f.spool.triggerRecurring("tick")).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 4);
    assertThat(runs.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
  }

  /**
   * Jobs stored with no policy (enqueued under the default, or by the CLI or another language that
   * knows no type's policy) run under the policy of the node that runs them: its type's as the node
   * registered it, else its Spool's default (spool.retry.* of a worker-only Spring application). It
   * was always Retry.DEFAULT: 8 attempts over about two minutes.
   */
  @Test
  void aJobStoredWithNoPolicyRunsUnderTheWorkersTypeOrDefault() {
    JobType<Noop> plain = JobType.of("plain", Noop.class).withQueue("work");
    JobType<Noop> typed = JobType.of("typed", Noop.class).withQueue("work");
    JobType<Noop> final_ = JobType.of("final", Noop.class).withQueue("work");
    // The enqueuer knows none of the policies, as the CLI does.
    JobId plainId = f.spool.enqueue(plain, new Noop(1));
    JobId typedId = f.spool.enqueue(typed, new Noop(2));
    JobId finalId = f.spool.enqueue(final_, new Noop(3));
    assertThat(f.redis().hget(f.jobKey(plainId), "o")).isNull();
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    try (Spool workerSide =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .defaultRetry(
                Retry.fixed(2, Duration.ofMillis(20))
                    .withNoRetryFor(IllegalArgumentException.class))
            .build()) {
      Worker worker =
          workerSide
              .worker("node-1")
              .handle(
                  plain,
                  (job, a) -> {
                    runs.merge("plain", 1, Integer::sum);
                    throw new IllegalStateException("always");
                  })
              .handle(
                  typed.withRetry(Retry.fixed(3, Duration.ofMillis(20))),
                  (job, a) -> {
                    runs.merge("typed", 1, Integer::sum);
                    throw new IllegalStateException("always");
                  })
              .handle(
                  final_,
                  (job, a) -> {
                    runs.merge("final", 1, Integer::sum);
                    throw new IllegalArgumentException("never mends");
                  })
              .start();
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 3);
      } finally {
        worker.close();
      }
    }
    assertThat(runs).containsEntry("plain", 2).containsEntry("typed", 3).containsEntry("final", 1);
    assertThat(f.spool.statuses().findOrUnknown(typedId).attempt()).isEqualTo(2);
    assertThat(f.spool.statuses().findOrUnknown(finalId).attempt()).isZero();
  }

  /**
   * A job cancelled (or killed, drained, expired) by mistake runs again through DeadJobs.retry, as
   * JobRunr requeues a deleted job; it was refused ("only dead jobs"). Its status, which was to
   * expire with the retention of killed jobs, is kept again while it waits. A killed batch part is
   * not: its batch counted it as failed already.
   */
  @Test
  void aCancelledJobIsRetriedAndRunsButAKilledBatchPartIsNot() {
    JobId id = f.spool.enqueue(FLAKY, new Noop(3));
    assertThat(f.spool.cancel(id)).isTrue();
    assertThat(f.redis().ttl(f.jobKey(id))).isPositive();
    Batch batch = f.spool.batch().add(FLAKY, new Noop(4)).submit();
    JobStatus part = f.spool.statuses().where(State.QUEUED).batch(batch.id()).list().getFirst();
    assertThat(f.spool.cancel(part.id())).isTrue();

    assertThat(f.spool.deadJobs().retry(id)).isTrue();
    assertThat(f.spool.deadJobs().retry(part.id())).isFalse();
    assertThat(f.redis().ttl(f.jobKey(id))).isEqualTo(-1L);
    assertThat(f.spool.statuses().findOrUnknown(id).state()).isEqualTo(State.QUEUED);

    f.worker("node-1").handle(FLAKY, (job, a) -> attempts.add(job.attempt())).start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().findOrUnknown(id).state() == State.SUCCEEDED);
    assertThat(attempts).containsExactly(1);
    assertThat(f.spool.statuses().findOrUnknown(part.id()).state()).isEqualTo(State.KILLED);
    assertThat(f.spool.statuses().findOrUnknown(id).previousAttempts().getFirst())
        .containsEntry("state", "killed");
  }

  /**
   * A policy named for one job is followed even when it is Retry.DEFAULT: it was stored as none,
   * and the worker then applied the type's Retry.none() (one run, dead at once).
   */
  @Test
  void aJobsOwnDefaultPolicyIsFollowedOverItsTypes() {
    JobType<Noop> once = JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());
    JobId id =
        f.spool.enqueue(once, new Noop(1), JobOptions.builder().retry(Retry.DEFAULT).build());
    f.worker("node-1")
        .handle(
            once,
            (job, a) -> {
              attempts.add(job.attempt());
              throw new IllegalStateException("always");
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 2);
    assertThat(f.spool.statuses().findOrUnknown(id).state()).isNotEqualTo(State.FAILED);
  }

  @Test
  void afterTheLastAttemptTheJobIsDeadWithItsError() {
    JobId id = f.spool.enqueue(FLAKY, new Noop(7));
    f.worker("node-1")
        .handle(
            FLAKY,
            (job, a) -> {
              attempts.add(job.attempt());
              throw new IllegalStateException("boom " + job.attempt());
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(attempts).containsExactly(0, 1, 2);
    DeadJob dead = f.spool.deadJobs().list("work", 0, 10).getFirst();
    assertThat(dead.id()).isEqualTo(id);
    assertThat(dead.type()).isEqualTo("flaky");
    assertThat(dead.args()).isEqualTo("{\"n\":7}");
    assertThat(dead.attempt()).isEqualTo(2);
    assertThat(dead.error()).contains("boom 2").contains("java.lang.IllegalStateException");
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("failed");
  }

  @Test
  void perJobRetryOverridesTheTypesPolicy() {
    f.spool.enqueue(FLAKY, new Noop(1), JobOptions.builder().retry(Retry.none()).build());
    f.worker("node-1")
        .handle(
            FLAKY,
            (job, a) -> {
              attempts.add(job.attempt());
              throw new IllegalStateException("once");
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(attempts).containsExactly(0);
  }

  @Test
  void backoffWaitsBetweenAttempts() {
    JobType<Noop> slow =
        FLAKY.withRetry(Retry.exponential(2, Duration.ofMillis(400), 2.0).withJitter(0));
    List<Long> times = new CopyOnWriteArrayList<>();
    f.spool.enqueue(slow, new Noop(1));
    f.worker("node-1")
        .handle(
            slow,
            (job, a) -> {
              times.add(System.nanoTime());
              throw new IllegalStateException("again");
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(times).hasSize(2);
    assertThat(Duration.ofNanos(times.get(1) - times.get(0)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void aDeadJobRetriedByHandRunsAgainWithAFreshBudget() {
    AtomicBoolean healthy = new AtomicBoolean(false);
    JobId id = f.spool.enqueue(FLAKY, new Noop(1));
    f.worker("node-1")
        .handle(
            FLAKY,
            (job, a) -> {
              attempts.add(job.attempt());
              if (!healthy.get()) {
                throw new IllegalStateException("down");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);

    healthy.set(true);
    assertThat(f.spool.deadJobs().retry(id)).isTrue();
    assertThat(f.spool.deadJobs().retry(id)).as("no longer dead").isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
    assertThat(attempts).containsExactly(0, 1, 2, 3);
    assertThat(f.spool.deadJobs().size("work")).isZero();
  }

  @Test
  void aRetriedDeadJobGetsItsWholeRetryBudgetAgain() {
    JobId id = f.spool.enqueue(FLAKY, new Noop(1));
    f.worker("node-1")
        .handle(
            FLAKY,
            (job, a) -> {
              attempts.add(job.attempt());
              throw new IllegalStateException("always");
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    f.spool.deadJobs().retry(id);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> attempts.size() == 6 && f.spool.deadJobs().size("work") == 1);
    assertThat(attempts).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void retryAllAndPurgeWorkOnTheWholeDeadSet() {
    JobType<Noop> once = FLAKY.withRetry(Retry.none());
    f.spool.enqueueAll(once, Fixtures.noops(5));
    AtomicBoolean healthy = new AtomicBoolean(false);
    f.worker("node-1")
        .handle(
            once,
            (job, a) -> {
              if (!healthy.get()) {
                throw new IllegalStateException("down");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 5);
    assertThat(f.spool.deadJobs().list("work", 1, 2)).hasSize(2);

    healthy.set(true);
    f.spool.deadJobs().retryAll("work");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 5);

    healthy.set(false);
    f.spool.enqueueAll(once, Fixtures.noops(3));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 3);
    assertThat(f.spool.deadJobs().purge("work")).isEqualTo(3);
    assertThat(f.spool.deadJobs().size("work")).isZero();
  }

  @Test
  void retryAllRetriesEachJobDeadWhenItBeganOnceWhileTheyDieAgain() {
    JobType<Noop> once = FLAKY.withRetry(Retry.none());
    int jobs = 2_500; // three slices of the retry: jobs die again while later slices are read
    f.spool.enqueueAll(once, Fixtures.noops(jobs));
    f.worker("node-1")
        .concurrency(50)
        .handle(
            once,
            (job, a) -> {
              throw new IllegalStateException("down");
            })
        .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> f.spool.deadJobs().size("work") == jobs);

    // Before, jobs that died again during the call were retried again, and counted again.
    assertThat(f.spool.deadJobs().retryAll("work")).isEqualTo(jobs);
    await().atMost(Duration.ofSeconds(30)).until(() -> f.spool.deadJobs().size("work") == jobs);
    assertThat(
            f.spool.statuses().where(State.FAILED).queue("work").limit(StatusQuery.MAX_PAGE).list())
        .allSatisfy(s -> assertThat(s.attempt()).isEqualTo(1));
  }

  @Test
  void theDeadSetIsBoundedInSize() throws Exception {
    try (Spool small =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).deadJobsMaxSize(3).build()) {
      JobType<Noop> once = FLAKY.withRetry(Retry.none());
      List<JobId> ids = small.enqueueAll(once, Fixtures.noops(5));
      List<Integer> ran = new CopyOnWriteArrayList<>();
      small
          .worker("node-1")
          .concurrency(1)
          .handle(
              once,
              (job, a) -> {
                ran.add(a.n());
                throw new IllegalStateException("down");
              })
          .start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ran.size() == 5 && small.monitor().counts("work").processing() == 0);
      assertThat(small.deadJobs().size("work")).isEqualTo(3);
      assertThat(f.redis().exists(f.jobKey(ids.get(0)))).as("oldest dead job deleted").isZero();
    }
  }

  @Test
  void aJobOverItsTimeoutIsInterruptedAndFails() {
    JobType<Noop> sleepy =
        JobType.of("sleepy", Noop.class)
            .withQueue("work")
            .withRetry(Retry.none())
            .withTimeout(Duration.ofMillis(200));
    List<Boolean> interrupted = new CopyOnWriteArrayList<>();
    f.spool.enqueue(sleepy, new Noop(1));
    f.worker("node-1")
        .handle(
            sleepy,
            (job, a) -> {
              try {
                Fixtures.untilInterrupted();
              } catch (InterruptedException e) {
                interrupted.add(true);
                throw e;
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(interrupted).containsExactly(true);
    assertThat(f.spool.deadJobs().list("work", 0, 1).getFirst().error())
        .contains("JobTimeout")
        .contains("timed out after 200 ms");
  }
}
