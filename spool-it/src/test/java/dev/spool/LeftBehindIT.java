package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A queued job cancelled, killed or deleted leaves its id in the list that holds it (taking it out
 * of the middle of a list costs as much as the list is long): the readers of the lists drop it when
 * they come to it. Such jobs never run, are not counted as ready, and are not mistaken for lost
 * ones; a job parked behind a concurrency limit that is cancelled does not take the slot of the
 * next one.
 */
class LeftBehindIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> ONE_AT_A_TIME =
      JobType.of("one-at-a-time", Noop.class).withQueue("work").withConcurrencyLimit(1);

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String gone() {
    return f.namespace + ":{work}:gone";
  }

  private State state(JobId id) {
    return f.spool.statuses().find(id).orElseThrow().state();
  }

  /**
   * A worker of {@code concurrency} slots for {@link #ONE_AT_A_TIME} jobs: each records its number
   * in {@code ran}; job 0 holds its slot until {@code release}.
   */
  private void startHoldingJobZero(int concurrency, Set<Integer> ran, CountDownLatch release) {
    f.worker("node-1")
        .concurrency(concurrency)
        .handle(
            ONE_AT_A_TIME,
            (job, a) -> {
              ran.add(a.n());
              if (a.n() == 0) {
                release.await();
              }
            })
        .start();
  }

  @Test
  void queuedJobsCancelledKilledOrDeletedNeverRunAndAreNotCountedNorBuried() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(10));
    JobId urgent = f.spool.enqueue(NOOP, new Noop(10), JobOptions.builder().priority(5).build());
    assertThat(f.spool.cancel(ids.get(2))).isTrue();
    f.spool.statuses().find(ids.get(4)).orElseThrow().requestKill();
    f.spool.statuses().find(ids.get(6)).orElseThrow().forceDelete();
    assertThat(f.spool.cancel(urgent)).isTrue();

    // Killed at once, not merely asked: the job had not started.
    assertThat(state(ids.get(4))).isEqualTo(State.KILLED);
    assertThat(state(ids.get(2))).isEqualTo(State.KILLED);
    assertThat(f.spool.statuses().find(ids.get(6))).isEmpty();
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(7);

    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    f.worker("node-1").concurrency(4).handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 7);
    assertThat(ran).containsExactlyInAnyOrder(0, 1, 3, 5, 7, 8, 9);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.redis().scard(gone()) == 0);
    assertThat(f.spool.monitor().counts("work").ready()).isZero();
    // The deleted job is no orphan: nothing is buried as lost.
    assertThat(f.spool.deadJobs().size("work")).isZero();
    assertThat(f.spool.statuses().find(ids.get(6))).isEmpty();
  }

  /**
   * A job enqueued for a node that is not alive, not strictly, waits in the plain list with its
   * node kept as a preference: a kill request ends it at once, as for any queued job.
   */
  @Test
  void aJobPreferringANodeThatIsDownIsKilledAtOnce() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().node("ghost").build());
    JobId other = f.spool.enqueue(NOOP, new Noop(2));
    f.spool.statuses().find(id).orElseThrow().requestKill();
    assertThat(state(id)).isEqualTo(State.KILLED);

    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(other) == State.SUCCEEDED);
    assertThat(ran).containsExactly(2);
    assertThat(state(id)).isEqualTo(State.KILLED);
  }

  @Test
  void aParkedJobCancelledDoesNotTakeTheSlotOfTheNextOne() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    List<JobId> ids = f.spool.enqueueAll(ONE_AT_A_TIME, Fixtures.noops(4));
    startHoldingJobZero(4, ran, release);
    // Job 0 runs; the other three were fetched over the limit and wait in its park list.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "3".equals(f.redis().get(f.namespace + ":{work}:parked")));
    assertThat(f.spool.cancel(ids.get(1))).isTrue();
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(2);

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> state(ids.get(2)) == State.SUCCEEDED && state(ids.get(3)) == State.SUCCEEDED);
    assertThat(ran).containsExactlyInAnyOrder(0, 2, 3);
    assertThat(state(ids.get(1))).isEqualTo(State.KILLED);
    assertThat(f.redis().scard(gone())).isZero();
  }

  /**
   * A run of cancelled jobs longer than a freed slot used to skip (100) left the job behind them
   * parked with the slot free, until some other job of its limit ran; so did a run longer than one
   * look at the park list (1 000 ids) after that, until the next fetch was made to look again.
   */
  @ParameterizedTest
  @ValueSource(ints = {150, 2_500})
  void aLongRunOfCancelledParkedJobsDoesNotStrandTheNextOne(int parkedJobs) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    JobId first = f.spool.enqueue(ONE_AT_A_TIME, new Noop(0));
    startHoldingJobZero(2, ran, release);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(0));
    List<Noop> more = new java.util.ArrayList<>();
    for (int i = 1; i <= parkedJobs; i++) {
      more.add(new Noop(i));
    }
    List<JobId> parked = f.spool.enqueueAll(ONE_AT_A_TIME, more);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> String.valueOf(parkedJobs).equals(f.redis().get(f.namespace + ":{work}:parked")));
    for (JobId id : parked.subList(0, parkedJobs - 1)) {
      assertThat(f.spool.cancel(id)).isTrue();
    }
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(parked.getLast()) == State.SUCCEEDED);
    assertThat(ran).containsExactlyInAnyOrder(0, parkedJobs);
    assertThat(state(first)).isEqualTo(State.SUCCEEDED);
    assertThat(f.redis().scard(gone())).isZero();
    assertThat(f.redis().exists(f.namespace + ":{work}:unpark")).isZero();
  }

  /**
   * A status kept by hand ({@code JobStatus.queued()}) is in no queue's list: a kill request is
   * recorded for its owner to see, as documented, and nothing is left behind to count.
   */
  @Test
  void aStatusKeptByHandIsNeitherKilledAtOnceNorLeftBehind() {
    JobStatus byHand = f.spool.statuses().create("work").queued();
    JobId engine = f.spool.enqueue(NOOP, new Noop(1));
    byHand.requestKill();
    assertThat(byHand.reload().state()).isEqualTo(State.QUEUED);
    assertThat(byHand.isKillRequested()).isTrue();
    assertThat(f.spool.cancel(byHand.id())).isTrue();
    assertThat(f.redis().scard(gone())).isZero();
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    assertThat(state(engine)).isEqualTo(State.QUEUED);
  }

  /** A running job whose status is deleted by force gives its slot to the job parked for it. */
  @Test
  void aRunningJobDeletedByForceGivesItsSlotToTheParkedOne() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Set<Integer> started = ConcurrentHashMap.newKeySet();
    List<JobId> ids = f.spool.enqueueAll(ONE_AT_A_TIME, Fixtures.noops(2));
    f.worker("node-1")
        .concurrency(2)
        .handle(
            ONE_AT_A_TIME,
            (job, a) -> {
              started.add(a.n());
              release.await();
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "1".equals(f.redis().get(f.namespace + ":{work}:parked")));
    assertThat(started).containsExactly(0);

    f.spool.statuses().find(ids.get(0)).orElseThrow().forceDelete();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.contains(1));
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(ids.get(1)) == State.SUCCEEDED);
  }
}
