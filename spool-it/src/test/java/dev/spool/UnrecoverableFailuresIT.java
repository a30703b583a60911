package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failures no retry can mend end the job at once (BullMQ's UnrecoverableError, Spring Retry's
 * noRetryFor): the dead set after one attempt, whatever attempts the policy has left.
 */
class UnrecoverableFailuresIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final Retry FIVE = Retry.fixed(5, Duration.ofMillis(10));

  Fixtures f;
  final List<String> runs = new CopyOnWriteArrayList<>();
  final List<Throwable> errbacks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void anUnrecoverableJobExceptionSendsTheJobToTheDeadSetAfterOneAttempt() throws Exception {
    JobType<Noop> type = JobType.of("import-row", Noop.class).withQueue("work").withRetry(FIVE);
    JobId id = f.spool.enqueue(type, new Noop(1));
    f.worker("node-1")
        .handle(
            type,
            (job, a) -> {
              runs.add("attempt " + job.attempt());
              throw new UnrecoverableJobException("row 1 names no customer");
            })
        .onFailure(type, (job, a, error) -> errbacks.add(error))
        .start();

    JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(outcome.state()).isEqualTo(State.FAILED);
    assertThat(runs).containsExactly("attempt 0");
    assertThat(errbacks).singleElement().isInstanceOf(UnrecoverableJobException.class);
    assertThat(f.spool.deadJobs().size("work")).isOne();
    DeadJob dead = f.spool.deadJobs().list("work", 0, 10).getFirst();
    assertThat(dead.id()).isEqualTo(id);
    assertThat(dead.error()).contains("row 1 names no customer");
    assertThat(f.spool.statuses().find(id).orElseThrow().errors()).hasSize(1);
  }

  @Test
  void theClassesATypeNamesAreFinalWithTheirSubclassesAndOthersAreRetried() throws Exception {
    JobType<Noop> type =
        JobType.of("parse", Noop.class)
            .withQueue("work")
            .withRetry(FIVE.withNoRetryFor(IllegalArgumentException.class));
    JobId badNumber = f.spool.enqueue(type, new Noop(1));
    JobId flaky = f.spool.enqueue(type, new Noop(2));
    f.worker("node-1")
        .handle(
            type,
            (job, a) -> {
              runs.add(a.n() + "@" + job.attempt());
              if (a.n() == 1) {
                Integer.parseInt("x"); // NumberFormatException: an IllegalArgumentException
              }
              if (job.attempt() < 2) {
                throw new IllegalStateException("not yet");
              }
            })
        .start();

    assertThat(f.spool.outcome(badNumber).get(10, TimeUnit.SECONDS).state())
        .isEqualTo(State.FAILED);
    assertThat(f.spool.outcome(flaky).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.SUCCEEDED);
    assertThat(runs).containsOnlyOnce("1@0").doesNotContain("1@1").contains("2@0", "2@1", "2@2");
    assertThat(f.spool.deadJobs().list("work", 0, 10).getFirst().error())
        .contains("NumberFormatException");
  }

  @Test
  void aJobsOwnPolicyTravelsWithItToANodeWhoseTypeNamesNone() throws Exception {
    // The enqueuer's options name the class; the node's type does not: the job's stored policy
    // decides, as it does for attempts and delays.
    JobType<Noop> plain = JobType.of("charge", Noop.class).withQueue("work").withRetry(FIVE);
    JobOptions options =
        JobOptions.builder().retry(FIVE.withNoRetryFor(IllegalStateException.class)).build();
    JobId id = f.spool.enqueue(plain, new Noop(1), options);
    f.worker("node-1")
        .handle(
            plain,
            (job, a) -> {
              runs.add("attempt " + job.attempt());
              throw new IllegalStateException("card declined");
            })
        .start();

    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
    assertThat(runs).containsExactly("attempt 0");
    assertThat(f.redis().hget(f.jobKey(id), "o")).contains("java.lang.IllegalStateException");
  }
}
