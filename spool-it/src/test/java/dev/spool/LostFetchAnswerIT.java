package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Released;
import dev.spool.internal.redis.Script;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fetch whose answer is lost (a dropped link, a timeout while Redis stood still, a Redis that
 * restarted) leased jobs the node never got. The node hands them back at once, without using an
 * attempt, instead of leaving them to their lease, after which they would run at attempt + 1: a job
 * allowed one attempt would end dead without having run.
 */
class LostFetchAnswerIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> ONCE =
      JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());
  static final long LEASE_MS = 30_000;

  Fixtures f;
  RedisJobStore store;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  List<FetchedJob> fetch(String receipt) {
    return store.fetchJobs("work", "node-1", nowMicros(), LEASE_MS, 10, receipt).jobs();
  }

  static long nowMicros() {
    return System.currentTimeMillis() * 1000;
  }

  @Test
  void theJobsOfAFetchWhoseAnswerWasLostGoBackAtOnceWithTheirAttemptUnused() throws Exception {
    JobId a = f.spool.enqueue(ONCE, new Noop(1));
    JobId b = f.spool.enqueue(ONCE, new Noop(2));
    assertThat(fetch("run-1|1")).hasSize(2); // the answer the node "never got"

    Released back = store.reclaim("work", "node-1", "run-1|1", nowMicros(), LEASE_MS);

    assertThat(back.handedBack()).isEqualTo(2);
    assertThat(f.redis().zcard(f.namespace + ":{work}:active")).isZero();
    JobStatus status = f.spool.statuses().find(a).orElseThrow();
    assertThat(status.state()).isEqualTo(State.QUEUED);
    assertThat(status.attempt()).isZero();
    assertThat(status.previousAttempts())
        .singleElement()
        .satisfies(entry -> assertThat(entry).containsEntry("state", "not delivered"));
    // Back at the head of the queue, in their order, and fetched again at the same attempt.
    List<FetchedJob> again = fetch("run-1|2");
    assertThat(again).extracting(FetchedJob::id).containsExactly(a, b);
    assertThat(again).extracting(FetchedJob::attempt).containsExactly(0, 0);
  }

  @Test
  void aFetchThatRunsOnlyAfterItWasReclaimedLeasesNothing() {
    // Sent, then the node gave up on it and reclaimed it; Redis read it late (a socket's last
    // command after a freeze): it must not lease jobs that no one will run.
    JobId a = f.spool.enqueue(ONCE, new Noop(1));

    Released back = store.reclaim("work", "node-1", "run-1|7", nowMicros(), LEASE_MS);
    assertThat(back.handedBack()).isZero();
    assertThat(fetch("run-1|7")).isEmpty();
    assertThat(fetch("run-1|6")).isEmpty(); // older still

    assertThat(f.redis().llen(f.namespace + ":{work}:ready")).isOne();
    assertThat(fetch("run-1|8")).extracting(FetchedJob::id).containsExactly(a);
  }

  @Test
  void areclaimLeavesTheJobsOfALaterCallAndOfAnotherRunOfTheNodeAlone() {
    JobId a = f.spool.enqueue(ONCE, new Noop(1));
    assertThat(fetch("run-1|3")).hasSize(1); // answered: the node runs it

    assertThat(store.reclaim("work", "node-1", "run-1|2", nowMicros(), LEASE_MS).handedBack())
        .isZero();
    assertThat(f.spool.statuses().find(a).orElseThrow().state()).isEqualTo(State.STARTED);

    // A new run of the node under the same name starts counting again: not taken for late.
    JobId b = f.spool.enqueue(ONCE, new Noop(2));
    assertThat(fetch("run-2|1")).extracting(FetchedJob::id).containsExactly(b);
    // Each run keeps its own receipts: the old run, still stopping, reclaims its own call, and
    // neither hands back the new run's jobs nor takes its receipt.
    assertThat(store.reclaim("work", "node-1", "run-1|4", nowMicros(), LEASE_MS).handedBack())
        .isZero();
    assertThat(f.spool.statuses().find(b).orElseThrow().state()).isEqualTo(State.STARTED);
    assertThat(store.reclaim("work", "node-1", "run-2|1", nowMicros(), LEASE_MS).handedBack())
        .isOne();
    assertThat(f.spool.statuses().find(b).orElseThrow().state()).isEqualTo(State.QUEUED);
  }

  @Test
  void aJobWhoseKillWasRequestedMeanwhileEndsKilled() {
    JobId a = f.spool.enqueue(ONCE, new Noop(1));
    assertThat(fetch("run-1|1")).hasSize(1);
    f.spool.statuses().find(a).orElseThrow().requestKill();

    Released back = store.reclaim("work", "node-1", "run-1|1", nowMicros(), LEASE_MS);

    assertThat(back.killed()).isOne();
    assertThat(f.spool.statuses().find(a).orElseThrow().state()).isEqualTo(State.KILLED);
  }

  @Test
  void aCorruptReceiptKeyIsOverwrittenNotAnError() {
    f.redis().hset(f.namespace + ":{work}:receipt:node-1:run-1", Map.of("x", "y"));
    JobId a = f.spool.enqueue(ONCE, new Noop(1));
    assertThat(fetch("run-1|1")).hasSize(1);
    assertThat(store.reclaim("work", "node-1", "run-1|1", nowMicros(), LEASE_MS).handedBack())
        .isOne();
    assertThat(f.spool.statuses().find(a).orElseThrow().state()).isEqualTo(State.QUEUED);
  }

  @Test
  void aWorkerWhoseFetchAnswerIsCutRunsTheJobAtOnceAtItsFirstAttempt() throws Exception {
    try (AnswerCuttingProxy proxy = new AnswerCuttingProxy(redis.port());
        Spool viaProxy = Spool.builder().redis(proxy.uri()).namespace(f.namespace).build()) {
      JobId id = f.spool.enqueue(ONCE, new Noop(1));
      // The worker's first fetch runs in Redis (the script is there: no NOSCRIPT round) and
      // leases the job; its answer is lost with its link.
      f.redis().scriptLoad(Script.FETCH.source());
      proxy.cutTheAnswerTo(Script.FETCH.sha());
      List<Integer> attempts = new CopyOnWriteArrayList<>();
      viaProxy
          .worker("node-1")
          .lease(Duration.ofMillis(LEASE_MS))
          .handle(ONCE, (job, a) -> attempts.add(job.attempt()))
          .start();

      JobOutcome outcome = f.spool.outcome(id).get(10, TimeUnit.SECONDS); // not its 30 s lease
      assertThat(proxy.answersCut()).isOne();
      assertThat(outcome.state()).isEqualTo(State.SUCCEEDED);
      assertThat(attempts).containsExactly(0);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(f.spool.statuses().find(id).orElseThrow().previousAttempts())
                      .extracting(e -> e.get("state"))
                      .containsExactly("not delivered"));
    }
  }

  /**
   * The node is made quiet while its fetch is on the way, and the fetch's answer is lost: the
   * fetcher's next turn waits, quiet, without asking any queue again, yet the jobs that fetch
   * leased go back at once, not after their lease (when, allowed one attempt, they would die).
   */
  @Test
  void aLostFetchIsHandedBackEvenWhenTheNodeAsksNoQueueAgain() throws Exception {
    try (AnswerCuttingProxy proxy = new AnswerCuttingProxy(redis.port());
        Spool viaProxy = Spool.builder().redis(proxy.uri()).namespace(f.namespace).build()) {
      JobId id = f.spool.enqueue(ONCE, new Noop(1));
      f.redis().scriptLoad(Script.FETCH.source());
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      proxy.holdThenCutTheAnswerTo(Script.FETCH.sha(), held, release);
      viaProxy
          .worker("node-1")
          .lease(Duration.ofSeconds(4)) // heartbeats every second: the quiet request comes soon
          .handle(ONCE, (job, a) -> {})
          .start();
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue(); // the fetch is on its way
      assertThat(f.spool.monitor().quietNode("node-1")).isTrue();
      // The node reads the request at its next heartbeat; after two more, it has taken it.
      java.time.Instant asked = java.time.Instant.now();
      Set<java.time.Instant> beatsSince = new java.util.HashSet<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                java.time.Instant beat = f.spool.monitor().nodes().getFirst().lastHeartbeat();
                if (beat.isAfter(asked)) {
                  beatsSince.add(beat);
                }
                return beatsSince.size() >= 2;
              });

      release.countDown(); // Redis runs it; its answer is lost

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> f.spool.statuses().find(id).orElseThrow().state() != State.STARTED);
      JobStatus status = f.spool.statuses().find(id).orElseThrow();
      assertThat(proxy.answersCut()).isOne();
      assertThat(status.state()).as("handed back, not reaped").isEqualTo(State.QUEUED);
      assertThat(status.attempt()).isZero();
    }
  }
}
