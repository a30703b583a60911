package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.status.StatusStore;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Garbage written behind Spool's back into one job's, lock's or batch's bookkeeping costs that one
 * at most: no script stops halfway after its first write (which would lose the jobs it had popped,
 * or the parts it had counted), and no stray entry deletes a live job.
 */
class StrayGarbageIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> WHILE =
      JobType.of("while", Noop.class).withQueue("work").withUnique(Unique.whileExecuting());
  static final JobType<Noop> UNTIL =
      JobType.of("until", Noop.class).withQueue("work").withUnique(Unique.untilExecuted());
  static final JobType<Noop> REPORT = JobType.of("report", Noop.class).withQueue("work");

  Fixtures f;
  final List<Integer> ran = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  String key(String rest) {
    return f.namespace + ":{work}:" + rest;
  }

  long seq() {
    return Long.parseLong(f.redis().get(key("seq")));
  }

  @Test
  void aLockHoldersKeyOfAnotherTypeCostsNoJobFetchedWithTheRejectedOne() {
    JobId rejected = f.spool.enqueue(WHILE, new Noop(0));
    String u = f.redis().hget(f.jobKey(rejected), "u");
    String lock = key("lock:" + u.substring(u.lastIndexOf('|') + 1));
    f.redis().psetex(lock, 600_000, "999"); // held by job 999, whose key holds a string
    f.redis().set(key("job:999"), "a string");
    List<JobId> plain = f.spool.enqueueAll(NOOP, Fixtures.noops(3));

    f.worker("node-1")
        .concurrency(8)
        .handle(NOOP, (job, a) -> ran.add(a.n()))
        .handle(WHILE, (job, a) -> ran.add(100))
        .start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
    assertThat(ran).doesNotContain(100);
    for (JobId id : plain) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
    }
    assertThat(f.spool.statuses().find(rejected).orElseThrow().state()).isEqualTo(State.KILLED);
  }

  @Test
  void garbageAtTheNextJobNumberIsSetAsideAndAnEnqueueTakesNoLockForNothing() {
    long seq = f.spool.enqueue(NOOP, new Noop(0)).number();
    f.redis().set(key("job:" + (seq + 2)), "garbage");

    List<JobId> ids = f.spool.enqueueAll(UNTIL, List.of(new Noop(1), new Noop(2)));

    assertThat(ids).extracting(JobId::number).containsExactly(seq + 1, seq + 2);
    assertThat(f.redis().get(key("corrupt:" + (seq + 2)))).isEqualTo("garbage");
    f.worker("node-1").handle(UNTIL, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
    assertThat(ran).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void garbageAtTheNextJobNumberCostsNoJobFetchedWithABuriedBatchPart() {
    f.spool.batch().onComplete(REPORT, new Noop(-1)).add(NOOP, new Noop(100)).submit();
    f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    String part =
        f.redis().keys(key("job:*")).stream()
            .filter(k -> f.redis().hget(k, "bt") != null)
            .findFirst()
            .orElseThrow();
    f.redis().hset(part, "n", "x"); // a corrupt part: buried at fetch, reported to its batch
    f.redis().set(key("job:" + (seq() + 1)), "garbage"); // where that report's job is created

    f.worker("node-1")
        .concurrency(8)
        .handle(NOOP, (job, a) -> ran.add(a.n()))
        .handle(REPORT, (job, a) -> ran.add(a.n()))
        .start();

    // The three plain jobs run, and the batch, its part dead, still completes.
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 4);
    assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, -1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "99999999999999999", "-5"})
  void aBatchCounterThatIsNoIntegerCountsFromZeroAndTheCallbackComes(String ttl) {
    AtomicInteger reports = new AtomicInteger();
    Batch b =
        f.spool
            .batch()
            .onComplete(REPORT, new Noop(-1))
            .add(NOOP, new Noop(1))
            .add(NOOP, new Noop(2))
            .submit();
    f.redis().hset(key("batch:" + b.token() + ":state"), "ok", "x");
    f.redis().hset(key("batch:" + b.token() + ":state"), "ttl", ttl);

    f.worker("node-1")
        .handle(NOOP, (job, a) -> ran.add(a.n()))
        .handle(REPORT, (job, a) -> reports.incrementAndGet())
        .start();

    await().atMost(Duration.ofSeconds(10)).until(() -> reports.get() == 1);
    assertThat(f.redis().hget(key("batch:" + b.token() + ":state"), "ok")).isEqualTo("2");
    assertThat(f.redis().ttl(key("batch:" + b.token() + ":state"))).isPositive();
  }

  @Test
  void aStrayEntryInTheFinishedListDeletesNoLiveJob() {
    JobId live = f.spool.enqueue(NOOP, new Noop(5));
    f.redis().zadd(key("finished"), 1, Long.toString(live.number()));

    prune(Clock.systemUTC());

    assertThat(f.redis().exists(f.jobKey(live))).isOne();
    assertThat(f.redis().zcard(key("finished"))).isZero(); // the stray entry is gone
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(5));
  }

  @Test
  void aStateIndexKeyOfAnotherTypeStopsNoPruning() {
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    JobId first = f.spool.enqueue(NOOP, new Noop(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 1);
    f.redis().del(f.jobKey(first)); // its hash expired before the pruner came by
    f.redis().set(key("ix:s:killed:0"), "garbage");
    List<JobId> later = f.spool.enqueueAll(NOOP, Fixtures.noops(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 6);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.redis().zcard(key("finished")) == 6); // their ends are all recorded

    prune(Clock.offset(Clock.systemUTC(), Duration.ofDays(8))); // past the 7 days' retention

    assertThat(later).allSatisfy(id -> assertThat(f.redis().exists(f.jobKey(id))).isZero());
    assertThat(f.redis().zcard(key("finished"))).isZero();
    assertThat(f.redis().get(key("corrupt:ix:s:killed:0"))).isEqualTo("garbage");
  }

  private void prune(Clock clock) {
    try (RedisConnection connection = RedisConnection.open(redis.uri(), Duration.ofSeconds(10))) {
      StatusStore statuses =
          new StatusStore(
              connection, new Keys(f.namespace), RedisJobStore.expirySeconds(Duration.ofDays(7)));
      new Pruner(statuses, (queue, nowMs, max) -> 0, clock, Duration.ofDays(7)).runBatch("work");
    }
  }
}
