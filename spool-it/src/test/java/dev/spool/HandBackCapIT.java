package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Released;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job handed back at a node's stop uses no attempt, but only {@code maxHandBacks} times: a job
 * that outlives every stop's deadline (or makes its node stop) would otherwise restart forever and
 * never reach the dead set. The next hand-back ends its attempt as an expired lease does.
 */
class HandBackCapIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> ONCE =
      JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());
  static final long LEASE_MS = 60_000;

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Starts a node whose handler runs until interrupted, and stops it once the job runs there. */
  private static StopSummary stopWhileRunning(Worker.Builder node, JobType<Noop> type) {
    Worker worker = node.handle(type, (job, a) -> Fixtures.untilInterrupted()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.running() == 1);
    return worker.stop(Duration.ZERO); // the deadline is now: the job outlives it
  }

  private JobStatus status(JobId id) {
    return f.spool.statuses().find(id).orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> lastError(JobStatus status) {
    return (Map<String, Object>) status.errors().getLast();
  }

  @Test
  void aJobThatOutlivesEveryStopIsHandedBackThreeTimesThenUsesAnAttemptAndDies() throws Exception {
    JobId id = f.spool.enqueue(ONCE, new Noop(1));
    for (int stop = 1; stop <= 3; stop++) {
      assertThat(stopWhileRunning(f.worker("node-" + stop), ONCE))
          .as("stop %d", stop)
          .isEqualTo(new StopSummary(0, 1, 0, 0, 0));
      assertThat(status(id).state()).isEqualTo(State.QUEUED);
      assertThat(status(id).attempt()).as("no attempt used").isZero();
    }

    assertThat(stopWhileRunning(f.worker("node-4"), ONCE))
        .as("the fourth stop")
        .isEqualTo(new StopSummary(0, 0, 0, 0, 1));

    JobStatus dead = status(id);
    assertThat(dead.state()).isEqualTo(State.FAILED);
    assertThat(lastError(dead))
        .containsEntry("type", "HandedBack")
        .containsEntry(
            "message", "handed back at 4 node stops without finishing; counted as an attempt");
    assertThat(dead.previousAttempts())
        .hasSize(3)
        .allSatisfy(a -> assertThat(a).containsEntry("state", "handed back"));
    assertThat(f.spool.deadJobs().list("work", 0, 10)).extracting(DeadJob::id).containsExactly(id);
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
  }

  @Test
  void aJobHandedBackFewerTimesThanTheCapRunsToSuccessOnTheNextNodeAtItsAttempt() throws Exception {
    JobId id = f.spool.enqueue(ONCE, new Noop(2));
    for (int stop = 1; stop <= 2; stop++) {
      assertThat(stopWhileRunning(f.worker("node-" + stop), ONCE))
          .as("stop %d", stop)
          .isEqualTo(new StopSummary(0, 1, 0, 0, 0));
    }
    assertThat(f.redis().hget(f.jobKey(id), "hb")).as("hand-backs counted").isEqualTo("2");

    AtomicInteger ranAt = new AtomicInteger(-1);
    f.worker("finisher").handle(ONCE, (job, a) -> ranAt.set(job.attempt())).start();

    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(ranAt).hasValue(0);
    JobStatus done = status(id);
    assertThat(done.attempt()).isZero();
    assertThat(done.previousAttempts())
        .hasSize(2)
        .allSatisfy(a -> assertThat(a).containsEntry("state", "handed back"));
  }

  @Test
  void aHandBackPastTheCapWithAttemptsLeftRunsTheJobAgainAtTheNextAttempt() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(3)); // the default policy: 8 attempts
    assertThat(stopWhileRunning(f.worker("node-1").maxHandBacks(1), NOOP))
        .isEqualTo(new StopSummary(0, 1, 0, 0, 0));
    assertThat(stopWhileRunning(f.worker("node-2").maxHandBacks(1), NOOP))
        .isEqualTo(new StopSummary(0, 0, 0, 0, 1));

    JobStatus queued = status(id);
    assertThat(queued.state()).isEqualTo(State.QUEUED);
    assertThat(queued.attempt()).isEqualTo(1);
    assertThat(queued.errors()).hasSize(1);
    assertThat(lastError(queued))
        .containsEntry("type", "HandedBack")
        .containsEntry(
            "message", "handed back at 2 node stops without finishing; counted as an attempt");
    List<Map<String, Object>> previous = queued.previousAttempts();
    assertThat(previous)
        .extracting(a -> a.get("state"))
        .containsExactly("handed back", "abandoned");

    AtomicInteger ranAt = new AtomicInteger(-1);
    f.worker("finisher").handle(NOOP, (job, a) -> ranAt.set(job.attempt())).start();
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(ranAt).hasValue(1);
  }

  @Test
  void aJobRetriedByHandFromTheDeadSetCountsItsHandBacksAfresh() {
    JobId id = f.spool.enqueue(ONCE, new Noop(4));
    assertThat(stopWhileRunning(f.worker("node-1").maxHandBacks(0), ONCE))
        .as("0: every hand-back uses an attempt")
        .isEqualTo(new StopSummary(0, 0, 0, 0, 1));
    assertThat(status(id).state()).isEqualTo(State.FAILED);
    assertThat(lastError(status(id)))
        .containsEntry(
            "message", "handed back at 1 node stop without finishing; counted as an attempt");

    assertThat(f.spool.deadJobs().retry(id)).isTrue();

    assertThat(stopWhileRunning(f.worker("node-2").maxHandBacks(1), ONCE))
        .isEqualTo(new StopSummary(0, 1, 0, 0, 0));
    assertThat(status(id).state()).isEqualTo(State.QUEUED);
    assertThat(status(id).attempt()).isEqualTo(1);
  }

  @Test
  void jobsHandedBackBecauseAFetchAnswerWasLostAreNotCounted() {
    RedisJobStore store = f.jobStore();
    JobId id = f.spool.enqueue(ONCE, new Noop(5));
    for (int call = 1; call <= 3; call++) {
      assertThat(fetch(store, "run-1|" + call)).hasSize(1);
      assertThat(store.reclaim("work", "node-1", "run-1|" + call, now(), LEASE_MS).handedBack())
          .isEqualTo(1);
    }

    assertThat(store.release("work", "node-1", now(), fetch(store, "run-1|4"), 1))
        .as("the first hand-back at a stop, under a cap of 1")
        .isEqualTo(new Released(1, 0, 0, 0));
    assertThat(store.release("work", "node-1", now(), fetch(store, "run-1|5"), 1))
        .isEqualTo(new Released(0, 0, 1, 1));
    assertThat(status(id).state()).isEqualTo(State.FAILED);
  }

  @Test
  void aJobWhoseKillWasRequestedEndsKilledPastTheCapToo() {
    RedisJobStore store = f.jobStore();
    JobId asked = f.spool.enqueue(ONCE, new Noop(6));
    JobId other = f.spool.enqueue(ONCE, new Noop(7));
    List<FetchedJob> held = fetch(store, "run-1|1");
    assertThat(held).hasSize(2);
    status(asked).requestKill();

    assertThat(store.release("work", "node-1", now(), held, 0)).isEqualTo(new Released(0, 1, 1, 1));

    assertThat(status(asked).state()).isEqualTo(State.KILLED);
    assertThat(status(other).state()).isEqualTo(State.FAILED);
    assertThat(lastError(status(other))).containsEntry("type", "HandedBack");
  }

  @Test
  void aCapOutOfBoundsIsRefusedNamingTheSetting() {
    for (int bad : new int[] {-1, Worker.Builder.MAX_HAND_BACKS + 1}) {
      assertThatThrownBy(() -> f.worker("node-1").maxHandBacks(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxHandBacks must be in [0, 1000], got " + bad);
    }
  }

  private static List<FetchedJob> fetch(RedisJobStore store, String receipt) {
    return store.fetchJobs("work", "node-1", now(), LEASE_MS, 10, receipt).jobs();
  }

  private static long now() {
    return Micros.now(Clock.systemUTC());
  }
}
