package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FailureRecorded;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Released;
import dev.spool.internal.queue.Success;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis that lost its data (a restart without persistence, a failover to a replica not caught up)
 * gives job numbers out again from 1. A node still running the old {@code work:1} must not have
 * that run taken for the new {@code work:1}'s, though the number, node and attempt are the same:
 * the time each job was recorded tells them apart.
 */
class DataLossIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final String QUEUE = "work";
  private static final String NODE = "node-1";

  Fixtures f;
  RedisJobStore store;
  final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** What Redis without persistence keeps of the namespace after a restart: nothing. */
  private void loseTheData() {
    // The test's namespace only: a few keys for the one or two jobs it made.
    List<String> keys = f.redis().keys(f.namespace + ":*");
    if (!keys.isEmpty()) {
      f.redis().del(keys.toArray(String[]::new));
    }
  }

  private FetchedJob fetchOne() {
    List<FetchedJob> fetched = store.fetch(QUEUE, NODE, Micros.now(clock), 60_000, 1);
    assertThat(fetched).hasSize(1);
    return fetched.getFirst();
  }

  @Test
  void theOldRunOfAReusedNumberNeitherRenewsNorEndsNorHandsBackTheNewJob() throws Exception {
    f.spool.enqueue(NOOP, new Noop(1));
    FetchedJob old = fetchOne();
    loseTheData();
    f.spool.enqueue(NOOP, new Noop(2));
    FetchedJob reused = fetchOne();
    assertThat(reused.id()).isEqualTo(old.id());
    assertThat(reused.attempt()).isEqualTo(old.attempt());
    assertThat(reused.recordedAtMicros()).isNotEqualTo(old.recordedAtMicros());

    assertThat(store.heartbeat(QUEUE, NODE, 60_000, List.of(old)).get().lost())
        .containsExactly(old.id().number());
    assertThat(
            store.release(
                QUEUE,
                NODE,
                Micros.now(clock),
                List.of(old),
                Worker.Builder.DEFAULT_MAX_HAND_BACKS))
        .isEqualTo(new Released(0, 0));
    Failure failed = new Failure(old, "{\"type\":\"Boom\"}", Failure.DEAD);
    assertThat(store.fail(QUEUE, NODE, failed, Micros.now(clock)).get())
        .isEqualTo(FailureRecorded.NOT_HELD);
    Success succeeded = new Success(old, "{\"run\":\"old\"}");
    assertThat(store.complete(QUEUE, NODE, List.of(succeeded), Micros.now(clock)).get()).isZero();
    assertThat(f.redis().hget(f.jobKey(reused.id()), "s")).isEqualTo("started");

    // The new job's own run is still its node's, whole.
    assertThat(store.heartbeat(QUEUE, NODE, 60_000, List.of(reused)).get().lost()).isEmpty();
    Success own = new Success(reused, "{\"run\":\"new\"}");
    assertThat(store.complete(QUEUE, NODE, List.of(own), Micros.now(clock)).get()).isEqualTo(1);
    assertThat(f.redis().hget(f.jobKey(reused.id()), "r")).isEqualTo("{\"run\":\"new\"}");
  }

  @Test
  void aWorkerThatRanTheOldJobRecordsTheNewJobsFailureNotTheOldSuccess() throws Exception {
    JobType<Noop> once = NOOP.withRetry(Retry.none());
    CountDownLatch oldStarted = new CountDownLatch(1);
    CountDownLatch newStarted = new CountDownLatch(1);
    CountDownLatch oldMayEnd = new CountDownLatch(1);
    CountDownLatch newMayEnd = new CountDownLatch(1);
    CountDownLatch oldInterrupted = new CountDownLatch(1);
    // A long lease: no heartbeat comes while the test runs, so the old run ends with an outcome
    // (a heartbeat would find its lease gone and abandon it first).
    f.worker(NODE)
        .lease(Duration.ofSeconds(60))
        .concurrency(2)
        .handle(
            once,
            (job, a) -> {
              if (a.n() == 1) {
                oldStarted.countDown();
                try {
                  assertThat(oldMayEnd.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                  oldInterrupted.countDown();
                  throw e;
                }
                job.put("run", "old");
              } else {
                newStarted.countDown();
                assertThat(newMayEnd.await(10, TimeUnit.SECONDS)).isTrue();
                throw new IllegalStateException("the new job failed");
              }
            })
        .start();
    JobId old = f.spool.enqueue(once, new Noop(1));
    assertThat(oldStarted.await(10, TimeUnit.SECONDS)).isTrue();
    loseTheData();
    JobId reused = f.spool.enqueue(once, new Noop(2));
    assertThat(reused).isEqualTo(old);
    var outcome = f.spool.outcome(reused);
    assertThat(newStarted.await(10, TimeUnit.SECONDS)).isTrue();
    // The node fetched work:1 again: the old run, no longer held under that id (so no heartbeat
    // would tell it its lease is gone), is interrupted at once.
    assertThat(oldInterrupted.await(10, TimeUnit.SECONDS)).isTrue();

    oldMayEnd.countDown();
    newMayEnd.countDown();

    JobOutcome ended = outcome.get(10, TimeUnit.SECONDS);
    assertThat(ended.state()).isEqualTo(State.FAILED);
    assertThat(ended.errors().toString()).contains("the new job failed");
    assertThat(ended.result()).doesNotContainKey("run");
  }
}
