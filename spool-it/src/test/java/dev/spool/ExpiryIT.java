package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs with an expiry: one that has not started by then ends killed with the error "expired" and
 * never runs; one that starts in time runs as usual. Time is the injected clock's.
 */
class ExpiryIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final Instant START = Instant.parse("2026-11-29T08:00:00Z");

  final MutableClock clock = new MutableClock(START);
  final List<Integer> ran = new CopyOnWriteArrayList<>();
  Fixtures f;
  Spool spool;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).clock(clock).build();
  }

  @AfterEach
  void tearDown() {
    spool.close();
    f.close();
  }

  private Worker start() {
    return spool
        .worker("node-1")
        .shutdownTimeout(Duration.ofSeconds(2))
        .handle(NOOP, (job, a) -> ran.add(a.n()))
        .start();
  }

  private static JobOptions ttl(Duration ttl) {
    return JobOptions.builder().ttl(ttl).build();
  }

  private void assertExpired(JobId id) throws Exception {
    JobOutcome outcome = spool.outcome(id).get(10, TimeUnit.SECONDS);
    assertThat(outcome.state()).isEqualTo(State.KILLED);
    JobStatus status = spool.statuses().find(id).orElseThrow();
    assertThat(status.state()).isEqualTo(State.KILLED);
    assertThat(status.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(((Map<?, ?>) e).get("type").toString() + ((Map<?, ?>) e).get("message"))
                    .contains("JobExpired")
                    .contains("expired"));
  }

  @Test
  void aJobNotStartedByItsExpiryIsKilledAndNeverRuns() throws Exception {
    JobId late = spool.enqueue(NOOP, new Noop(1), ttl(Duration.ofMinutes(1)));
    JobId atInstant =
        spool.enqueue(
            NOOP, new Noop(2), JobOptions.builder().expiresAt(START.plusSeconds(30)).build());
    JobId inTime = spool.enqueue(NOOP, new Noop(3), ttl(Duration.ofHours(1)));
    JobId plain = spool.enqueue(NOOP, new Noop(4));
    clock.advance(Duration.ofMinutes(2));
    try (Worker w = start()) {
      assertExpired(late);
      assertExpired(atInstant);
      assertThat(spool.outcome(inTime).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(spool.outcome(plain).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    }
    assertThat(ran).containsExactlyInAnyOrder(3, 4);
    assertThat(spool.statuses().where(State.KILLED).count()).isEqualTo(2);
  }

  @Test
  void aDelayedJobsTimeToLiveCountsFromWhenItIsDue() throws Exception {
    JobOptions delayedWithTtl =
        JobOptions.builder().delay(Duration.ofMinutes(10)).ttl(Duration.ofMinutes(1)).build();
    JobId runs = spool.enqueue(NOOP, new Noop(1), delayedWithTtl);
    JobId expires = spool.enqueue(NOOP, new Noop(2), delayedWithTtl);
    try (Worker w = start()) {
      spool.cancel(expires); // taken out of the way, so only the first comes due now
      clock.advance(Duration.ofMinutes(10).plusSeconds(30)); // due, within its minute
      w.stageNow();
      assertThat(spool.outcome(runs).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    }
    JobId late = spool.enqueue(NOOP, new Noop(3), delayedWithTtl);
    clock.advance(Duration.ofMinutes(12)); // due two minutes ago, its minute gone
    try (Worker w = start()) {
      w.stageNow();
      assertExpired(late);
    }
    assertThat(ran).containsExactly(1);
  }

  @Test
  void anExpiredUniqueJobGivesItsLockBack() throws Exception {
    JobType<Noop> unique = NOOP.withUnique(Unique.untilExecuted());
    JobId expired = spool.enqueue(unique, new Noop(7), ttl(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(2));
    try (Worker w = start()) {
      assertExpired(expired);
      // The lock went with it: the same job may be enqueued again, and runs.
      JobId again = spool.enqueue(unique, new Noop(7));
      assertThat(spool.outcome(again).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    }
    assertThat(ran).containsExactly(7);
  }

  @Test
  void anExpiredBatchPartCountsAsFailedAndTheBatchFinishes() throws Exception {
    Batch batch =
        spool
            .batch()
            .add(NOOP, new Noop(1))
            .add(NOOP, new Noop(2), ttl(Duration.ofMinutes(1)))
            .submit();
    clock.advance(Duration.ofMinutes(2));
    try (Worker w = start()) {
      await().atMost(Duration.ofSeconds(10)).until(batch::isFinished);
    }
    BatchProgress progress = batch.progress();
    assertThat(progress.succeeded()).isEqualTo(1);
    assertThat(progress.failed()).isEqualTo(1);
    assertThat(ran).containsExactly(1);
  }

  @Test
  void aStoredExpiryThatIsNoNumberSendsOnlyThatJobToTheDeadSet() throws Exception {
    JobId bad = spool.enqueue(NOOP, new Noop(1), ttl(Duration.ofMinutes(1)));
    JobId good = spool.enqueue(NOOP, new Noop(2), ttl(Duration.ofMinutes(1)));
    f.redis().hset(f.namespace + ":{work}:job:" + bad.number(), "x", "soon");
    try (Worker w = start()) {
      assertThat(spool.outcome(good).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(spool.outcome(bad).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
    }
    assertThat(spool.statuses().find(bad).orElseThrow().errors().toString())
        .contains("expiry 'x' is not a number");
    assertThat(ran).containsExactly(2);
  }
}
