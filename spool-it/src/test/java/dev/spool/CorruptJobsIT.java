package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Garbage in Spool's keys (a field written by hand, by another tool, by a bug): each bad job ends
 * in the dead set with a message saying what is wrong, and no other job is affected.
 */
class CorruptJobsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String ready() {
    return f.namespace + ":{work}:ready";
  }

  private DeadJob dead(JobId id) {
    return f.spool.deadJobs().list("work", 0, 100).stream()
        .filter(d -> d.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void corruptJobsInAFetchedBatchAreDeadAndTheRestOfTheBatchRuns() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(6));
    var r = f.redis();
    r.hset(f.jobKey(ids.get(1)), "n", "x");
    r.hset(f.jobKey(ids.get(2)), "rec", "yesterday");
    r.hset(f.jobKey(ids.get(3)), "u", "not a lock");
    // Ids that are no job: not a number, no hash, a key of another type.
    r.lpush(ready(), "abc", "424242", "4343");
    r.set(f.namespace + ":{work}:job:4343", "a string");

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").concurrency(8).handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
    assertThat(ran).containsExactlyInAnyOrder(0, 4, 5);
    // The three corrupt jobs, and the two numbered ids with no job behind them.
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 5);
    assertThat(dead(ids.get(1)).error()).contains("corrupt job: attempt 'n' is not a number: x");
    assertThat(dead(ids.get(2)).error())
        .contains("corrupt job: recorded at 'rec' is not a number: yesterday");
    assertThat(dead(ids.get(3)).error())
        .contains("corrupt job: unique lock 'u' does not parse: not a lock");
    assertThat(f.spool.monitor().counts("work").ready()).isZero();
    assertThat(dead(new JobId("work", 424242)).error())
        .contains("corrupt job: id 424242 was in a ready list but no job has it");
    assertThat(dead(new JobId("work", 4343)).error())
        .contains("corrupt job: its key held a string, not a job hash");
    assertThat(r.get(f.namespace + ":{work}:corrupt:4343")).isEqualTo("a string");

    // The orphan's number is taken from the sequence: the next job gets a fresh one.
    JobId next = f.spool.enqueue(NOOP, new Noop(7));
    assertThat(next.number()).isGreaterThan(424242);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(7));
  }

  /**
   * The node sends a job's attempt and recorded time back as it parsed them, to show it still holds
   * that attempt: a number written with leading zeros still matches, and one too long for the node
   * to parse is corrupt, rather than an attempt whose outcome is never recorded and which runs
   * again at each lease expiry.
   */
  /**
   * A job whose fetch fails for a reason no check of its own foresaw (here a rate reservation 'rr'
   * of 23 digits on a job holding an until-executed lock: putting it off to that window extends the
   * lock by a number SET refuses): Redis keeps what a failing script wrote, so the whole call
   * failed after its pops and every job it had popped was lost, on every fetch. Each job is served
   * on its own now: that one is dead with the error, and the others run.
   */
  @Test
  void aJobWhoseFetchFailsUnforeseenIsDeadAndTheOthersPoppedWithItRun() {
    JobType<Noop> once =
        JobType.of("once", Noop.class).withQueue("work").withUnique(Unique.untilExecuted());
    JobId odd = f.spool.enqueue(once, new Noop(99));
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(4));
    var r = f.redis();
    r.hset(f.jobKey(odd), "rr", "1" + "0".repeat(22));

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1")
        .concurrency(8)
        .handle(NOOP, (job, a) -> ran.add(a.n()))
        .handle(once, (job, a) -> ran.add(a.n()))
        .start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 4);
    assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(dead(odd).error()).contains("corrupt job: its fetch failed:");
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(f.spool.statuses().findOrUnknown(id).state())
                    .isEqualTo(State.SUCCEEDED));
  }

  /**
   * A queue's job sequence of another type (written behind Spool's back) fails every enqueue with
   * Redis's error, but must not fail the scripts that bury an id with no job behind it (which reads
   * the sequence) or report a dead batch part (which creates a job): they run after their pops and
   * leases are taken, whose jobs would be lost.
   */
  @Test
  void aJobWhoseTypeIsEmptyIsDeadAtOnceAsOneWithNoType() {
    // An empty type names no handler on any node: retrying it as an unknown type would take
    // its 8 attempts, about two minutes, to reach the dead set.
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.redis().hset(f.jobKey(id), "t", "");
    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    DeadJob dead = dead(id);
    assertThat(dead.attempt()).isZero();
    assertThat(dead.error()).contains("MalformedJob").contains("stored job has an empty type");
  }

  @Test
  void aSequenceOfAnotherTypeCostsNoPoppedOrReapedJob() throws Exception {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    var r = f.redis();
    r.lpush(ready(), "777777");
    // A lease long expired whose key holds no job hash (a lease of a deleted job just goes).
    r.zadd(f.namespace + ":{work}:active", 1, "888888");
    r.set(f.namespace + ":{work}:job:888888", "a string");
    String seq = f.namespace + ":{work}:seq";
    String number = r.get(seq);
    r.del(seq);
    r.rpush(seq, number);

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").concurrency(8).handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 2);
    assertThat(dead(new JobId("work", 777777)).error())
        .contains("corrupt job: id 777777 was in a ready list but no job has it");
    assertThat(dead(new JobId("work", 888888)).error())
        .contains("corrupt job: its key held a string, not a job hash");
    // The garbage is set aside by the next call that numbers a job, which counts on after the
    // numbers stored, the buried ones included.
    JobId next = f.spool.enqueue(NOOP, new Noop(9));
    assertThat(r.type(f.namespace + ":{work}:corrupt:seq")).isEqualTo("list");
    assertThat(next.number()).isGreaterThan(888888);
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(f.spool.statuses().findOrUnknown(id).state())
                    .isEqualTo(State.SUCCEEDED));
  }

  @Test
  void numbersTheNodeReadsOtherwiseThanTheyAreStoredCostNoRunAndTooLongOnesAreCorrupt() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(4));
    var r = f.redis();
    r.hset(f.jobKey(ids.get(0)), "n", "000");
    r.hset(f.jobKey(ids.get(1)), "rec", "0" + r.hget(f.jobKey(ids.get(1)), "rec"));
    r.hset(f.jobKey(ids.get(2)), "n", "1234567890");
    r.hset(f.jobKey(ids.get(3)), "rec", "1234567890123456789");

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").concurrency(8).handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                f.spool.monitor().counts("work").completed() == 2
                    && f.spool.deadJobs().size("work") == 2);
    assertThat(ran).containsExactlyInAnyOrder(0, 1);
    assertThat(f.spool.statuses().find(ids.get(0)).orElseThrow().state())
        .isEqualTo(State.SUCCEEDED);
    assertThat(f.spool.statuses().find(ids.get(1)).orElseThrow().state())
        .isEqualTo(State.SUCCEEDED);
    assertThat(dead(ids.get(2)).error())
        .contains("corrupt job: attempt 'n' is not a number: 1234567890");
    assertThat(dead(ids.get(3)).error())
        .contains("corrupt job: recorded at 'rec' is not a number: 1234567890123456789");
  }

  /**
   * Fields that parse as numbers but that Redis would refuse once the fetch has popped its batch (a
   * rate window of 0 ms, a lock TTL of 17 digits, which Lua writes as 1.2e+16), or that leave the
   * node no attempt to count (a retry budget past the attempt, a negative attempt): corrupt, and
   * the rest of the batch runs. A failed fetch used to lose every job it had popped.
   */
  @Test
  void numbersRedisWouldRefuseOrThatLeaveNoAttemptAreCorruptAndTheBatchRuns() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(6));
    var r = f.redis();
    r.hset(f.jobKey(ids.get(1)), "lr", "1|0|noop");
    r.hset(f.jobKey(ids.get(2)), "u", "W|reject|12345678901234567|0|abcdef");
    r.hset(f.jobKey(ids.get(3)), "b", "3");
    r.hset(f.jobKey(ids.get(4)), "n", "-1");

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").concurrency(8).handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                f.spool.monitor().counts("work").completed() == 2
                    && f.spool.deadJobs().size("work") == 4);
    assertThat(ran).containsExactlyInAnyOrder(0, 5);
    assertThat(dead(ids.get(1)).error()).contains("corrupt job: rate limit 'lr' does not parse");
    assertThat(dead(ids.get(2)).error()).contains("corrupt job: unique lock 'u' does not parse");
    assertThat(dead(ids.get(3)).error())
        .contains("corrupt job: retry budget 'b' is not an attempt up to 'n' (0): 3");
    assertThat(dead(ids.get(4)).error()).contains("corrupt job: attempt 'n' is not a number: -1");
  }

  /**
   * Attempt fields that count no attempt used (an attempt 'n' below 0, a retry budget 'b' past it)
   * made the retry delay of a failed attempt throw in the node: the job was held for good, its
   * lease renewed and never recorded. Each job now ends.
   */
  @Test
  void attemptFieldsThatCountNoAttemptUsedLeaveNoFailedJobHeld() {
    JobType<Noop> flaky =
        JobType.of("flaky", Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(3, Duration.ofMillis(10)));
    List<JobId> ids = f.spool.enqueueAll(flaky, Fixtures.noops(2));
    var r = f.redis();
    r.hset(f.jobKey(ids.get(0)), "n", "-1");
    r.hset(f.jobKey(ids.get(1)), "b", "5");

    Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
    Worker worker =
        f.worker("node-1")
            .handle(
                flaky,
                (job, a) -> {
                  if (failedOnce.add(a.n())) {
                    throw new IllegalStateException("the first run fails");
                  }
                })
            .start();

    // Succeeded after a retry, or failed (dead as corrupt): ended either way, no longer held.
    Set<State> ended = Set.of(State.SUCCEEDED, State.FAILED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        id -> ended.contains(f.spool.statuses().find(id).orElseThrow().state())));
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.busy() == 0);
    StopSummary stopped = worker.stop();
    assertThat(stopped.handedBack()).isZero();
    assertThat(stopped.leftToLease()).isZero();
  }

  @Test
  void aReadyKeyOfAnotherTypeLosesNoJobOfTheOtherReadyLists() {
    f.redis().set(f.namespace + ":{work}:prio", "not a sorted set");
    List<Integer> ran = new CopyOnWriteArrayList<>();

    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    // node-1 is alive: the jobs wait in its list (for a node that is not, they would be plain).
    f.spool.enqueueAll(NOOP, Fixtures.noops(3), JobOptions.builder().node("node-1").build());

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
    assertThat(f.spool.monitor().counts("work").processing()).isZero();
  }

  @Test
  void idsThatAreNoJobInTheDelayedSetDoNotStopStaging() {
    var r = f.redis();
    String delayed = f.namespace + ":{work}:delayed";
    r.zadd(delayed, 1, "abc");
    r.zadd(delayed, 2, "5151");
    r.set(f.namespace + ":{work}:job:5151", "a string");
    f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofMillis(100)).build());
    List<Integer> ran = new CopyOnWriteArrayList<>();

    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> r.zcard(delayed) == 0);
    assertThat(r.get(f.namespace + ":{work}:job:5151")).isEqualTo("a string");
  }

  @Test
  void aReapedJobWithACorruptAttemptIsDeadAndTheOthersAreReaped() throws Exception {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(2));
    Fixtures.crashHolding(f.worker("doomed"), NOOP, 2);
    f.redis().hset(f.jobKey(ids.get(0)), "n", "x");

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("survivor").handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(dead(ids.get(0)).error()).contains("corrupt job: attempt 'n' is not a number: x");
    assertThat(ran).containsExactly(1);
  }

  @Test
  void aCorruptErrorHistoryIsReplacedWhenTheJobFails() {
    JobType<Noop> fragile =
        JobType.of("fragile", Noop.class).withQueue("work").withRetry(Retry.none());
    JobId id = f.spool.enqueue(fragile, new Noop(1));
    f.worker("node-1")
        .concurrency(1)
        .handle(
            fragile,
            (job, a) -> {
              f.redis().hset(f.jobKey(id), Map.of("er", "[not json", "pa", "{\"no\":"));
              throw new IllegalStateException("boom");
            })
        .handle(NOOP, (job, a) -> {})
        .start();

    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    JobStatus status = f.spool.statuses().find(id).orElseThrow();
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.errors()).hasSize(1);
    assertThat(f.redis().zscore(f.namespace + ":{work}:active", Long.toString(id.number())))
        .isNull();
    // The worker's slot was freed: it runs the next job.
    JobId next = f.spool.enqueue(NOOP, new Noop(2));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(next).orElseThrow().state() == State.SUCCEEDED);
  }

  @Test
  void aStatusWithCorruptFieldsShowsWhatCanBeShown() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.redis()
        .hset(
            f.jobKey(id),
            Map.of("n", "x", "pg", "lots", "rec", "yesterday", "er", "{oops", "pa", "nope"));
    JobId odd = f.spool.enqueue(NOOP, new Noop(2));
    f.redis().hset(f.jobKey(odd), "s", "bogus");
    assertThat(f.spool.statuses().find(odd).orElseThrow().state()).isEqualTo(State.UNKNOWN);

    JobStatus status = f.spool.statuses().find(id).orElseThrow();
    assertThat(status.state()).isEqualTo(State.QUEUED);
    assertThat(status.attempt()).isZero();
    assertThat(status.progress()).isZero();
    assertThat(status.errors()).isEmpty();
    assertThat(status.previousAttempts()).isEmpty();
    assertThat(status.timestamp(Timestamp.RECORDED_AT)).isEmpty();
    assertThat(status.jobName()).contains("noop");
    assertThat(f.spool.statuses().where(State.QUEUED).queue("work").list())
        .extracting(JobStatus::id)
        .contains(id);
  }
}
