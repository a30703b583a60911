package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Garbage where Spool keeps its own keys and members (written by hand, by another tool, by a bug):
 * ids too long to be job numbers, keys of another type at a job's or a lock's place, members that
 * name no job. The bad entry is set aside or dropped, visibly where it was a job, and every other
 * job, listing and clean-up goes on.
 */
class CorruptKeysIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> FRAGILE =
      JobType.of("fragile", Noop.class).withQueue("work").withRetry(Retry.none());
  static final JobType<Noop> WHILE_RUNNING =
      JobType.of("while-running", Noop.class).withQueue("work").withUnique(Unique.whileExecuting());
  static final JobType<Noop> UNIQUE =
      JobType.of("unique", Noop.class).withQueue("work").withUnique(Unique.untilExecuted());

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String key(String suffix) {
    return f.namespace + ":{work}:" + suffix;
  }

  /** The one unique lock key of the queue (the test's namespace holds no other). */
  private String lockKey() {
    List<String> locks = f.redis().keys(key("lock:*"));
    assertThat(locks).hasSize(1);
    return locks.get(0);
  }

  private DeadJob dead(JobId id) {
    return f.spool.deadJobs().list("work", 0, 100).stream()
        .filter(d -> d.id().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aReadyIdTooLongToBeAJobNumberIsDroppedAndLaterJobsKeepTheirNumbers() {
    JobId before = f.spool.enqueue(NOOP, new Noop(1));
    // A µs timestamp pushed by mistake, and a number beyond what Redis can count to.
    f.redis().rpush(key("ready"), "1700000000000001", "99999999999999999999", "007", "0");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));

    List<JobId> after = f.spool.enqueueAll(NOOP, List.of(new Noop(2), new Noop(3)));

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
    assertThat(after)
        .extracting(JobId::number)
        .containsExactly(before.number() + 1, before.number() + 2);
    assertThat(f.redis().get(key("seq"))).isEqualTo(Long.toString(before.number() + 2));
    assertThat(f.redis().keys(key("job:1*e*"))).isEmpty();
    assertThat(f.redis().llen(key("ready"))).isZero();
    assertThat(f.spool.deadJobs().list("work", 0, 10)).isEmpty();
  }

  /**
   * A structure of the queue overwritten with garbage before its jobs are enqueued, run, done and
   * failed: each script that meets it sets it aside and goes on. Before, the script failed halfway,
   * and a job taken off its ready list, or out of its lease, was lost for good.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "ready",
        "signal",
        "dead",
        "failed",
        "completed",
        "failed=x",
        "completed=x",
        "delayed",
        "ix:t:0",
        "ix:n:noop:0",
        "ix:s:queued:0",
        "ix:s:started:0",
        "ix:s:succeeded:0",
        "ix:s:failed:0"
      })
  void aQueueStructureOfAnotherTypeIsSetAsideAndEveryJobEndsWhereItShould(String structure) {
    if (structure.contains("=")) { // a counter holding no integer
      String[] counter = structure.split("=");
      structure = counter[0];
      f.redis().set(key(structure), counter[1]);
    } else if (structure.startsWith("ix:t:")) {
      f.redis().set(key(structure), "garbage"); // a hash belongs there
    } else {
      f.redis().hset(key(structure), "garbage", "1");
    }
    List<JobId> fine = f.spool.enqueueAll(NOOP, List.of(new Noop(1), new Noop(2)));
    JobId broken = f.spool.enqueue(FRAGILE, new Noop(3));
    f.worker("node-1")
        .handle(NOOP, (job, a) -> {})
        .handle(
            FRAGILE,
            (job, a) -> {
              throw new IllegalStateException("broken on purpose");
            })
        .start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                fine.stream().allMatch(id -> state(id) == State.SUCCEEDED)
                    && state(broken) == State.FAILED);
    assertThat(f.spool.deadJobs().list("work", 0, 10))
        .extracting(DeadJob::id)
        .containsExactly(broken);
    assertThat(f.redis().exists(key("corrupt:" + structure))).as("set aside").isEqualTo(1);
    assertThat(f.spool.statuses().where(State.SUCCEEDED).count()).isEqualTo(2);
  }

  @Test
  void viewsOverEveryQueueLeaveOutAQueuesGarbageKeysRatherThanFail() {
    JobType<Noop> otherPing = JobType.of("other-ping", Noop.class).withQueue("other");
    f.spool.enqueue(NOOP, new Noop(1));
    JobId other = f.spool.enqueue(otherPing, new Noop(2));
    f.spool.recurring("other-tick", Schedule.every(Duration.ofHours(1)), otherPing, new Noop(3));
    f.spool.recurring("work-tick", Schedule.every(Duration.ofHours(1)), NOOP, new Noop(4));
    long minute = Micros.minuteOf(Micros.now(java.time.Clock.systemUTC()));
    f.redis().del(key("seq"), key("failed"));
    f.redis().hset(key("seq"), "garbage", "1");
    f.redis().hset(key("failed"), "garbage", "1");
    f.redis().set(key("throughput:" + minute), "garbage");
    f.redis().set(key("ix:s:queued:0"), "garbage");
    f.redis().set(key("recurring:due"), "garbage");
    // A member of the namespace's list of queues that is no queue name.
    f.redis().sadd(f.namespace + ":queues", "<img src=x onerror=alert(1)>");

    assertThat(f.spool.monitor().queues()).containsExactlyInAnyOrder("work", "other");
    assertThat(f.spool.monitor().snapshot().counts()).hasSize(2);
    assertThat(f.spool.monitor().throughput(List.of("work", "other"))).hasSize(2);
    assertThat(f.spool.statuses().all().list()).extracting(JobStatus::id).containsExactly(other);
    assertThat(f.spool.statuses().where(State.QUEUED).count()).isEqualTo(1);
    assertThat(f.spool.recurringJobs())
        .extracting(RecurringJob::name)
        .containsExactly("other-tick");
    f.redis().set(key("dead"), "garbage");
    assertThat(f.spool.deadJobs().list("work", 0, 10)).isEmpty();
    assertThat(f.spool.deadJobs().list("other", 0, 10)).isEmpty();
  }

  @Test
  void aJobWhoseStateIsNoneOfSpoolsGoesToTheDeadSetRatherThanVanish() {
    JobId ready = f.spool.enqueue(NOOP, new Noop(1));
    JobId delayed =
        f.spool.enqueue(
            NOOP, new Noop(2), JobOptions.builder().delay(Duration.ofMillis(200)).build());
    JobId fine = f.spool.enqueue(NOOP, new Noop(3));
    f.redis().hset(key("job:" + ready.number()), "s", "garbage");
    f.redis().hset(key("job:" + delayed.number()), "s", "garbage");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 2);
    assertThat(dead(ready).error()).contains("corrupt job: state 's' is not a state: garbage");
    assertThat(dead(delayed).error()).contains("corrupt job: state 's' is not a state: garbage");
    await().atMost(Duration.ofSeconds(10)).until(() -> state(fine) == State.SUCCEEDED);
    assertThat(ran).containsExactly(3);
  }

  @Test
  void limitedJobsSurviveLeasesAndAParkedCounterOfAnotherType() throws Exception {
    JobType<Noop> limited =
        JobType.of("limited", Noop.class).withQueue("work").withConcurrencyLimit(1);
    CountDownLatch release = new CountDownLatch(1);
    JobId first = f.spool.enqueue(limited, new Noop(1));
    f.worker("node-1")
        .handle(
            limited,
            (job, a) -> {
              if (a.n() == 1) {
                release.await();
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(first) == State.STARTED);
    // Garbage while the first job holds the limit's one slot: the next fetch checks its lease
    // after taking jobs off the ready list, and parks the job over the limit.
    f.redis().set(key("active"), "garbage");
    f.redis().hset(key("parked"), "garbage", "1");

    List<JobId> more = f.spool.enqueueAll(limited, List.of(new Noop(2), new Noop(3)));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.redis().exists(key("corrupt:active")) == 1);
    release.countDown();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                state(first) == State.SUCCEEDED
                    && more.stream().allMatch(id -> state(id) == State.SUCCEEDED));
  }

  @Test
  void aLeaseLostWithTheDataIsGivenAgainAndTheJobEndsAsItShould() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1").handle(NOOP, (job, a) -> release.await()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == State.STARTED);

    f.redis().zrem(key("active"), Long.toString(id.number())); // the lease, lost by a hand

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.redis().zscore(key("active"), Long.toString(id.number())) != null);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == State.SUCCEEDED);
  }

  @Test
  void registryEntriesNoNodeWritesAreSkippedNotFatalToTheList() {
    String info = f.namespace + ":{nodes}:info";
    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    f.redis().hset(info, "a-null", "null"); // JSON null: read as no registration at all
    f.redis().hset(info, "b-no-queues", "{\"host\":\"h\",\"heartbeatMs\":1}");

    assertThat(f.spool.monitor().nodes())
        .extracting(NodeInfo::name)
        .containsExactly("b-no-queues", "node-1");
    assertThat(f.spool.monitor().nodes().getFirst().queues()).isEmpty();
  }

  @Test
  void theNodeRegistrysKeysOfAnotherTypeAreSetAsideAndNodesStartAndRun() {
    String nodes = f.namespace + ":{nodes}:";
    f.redis().set(nodes + "info", "garbage");
    f.redis().hset(nodes + "name:node-1", "garbage", "1");
    JobId id = f.spool.enqueue(NOOP, new Noop(1));

    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> state(id) == State.SUCCEEDED);
    assertThat(f.spool.monitor().nodes()).extracting(NodeInfo::name).containsExactly("node-1");
    assertThat(f.redis().get(nodes + "corrupt:info")).isEqualTo("garbage");
    assertThat(f.redis().hget(nodes + "corrupt:name:node-1", "garbage")).isEqualTo("1");
  }

  @Test
  void theNamespacesListsOfQueuesAndRecurringNamesOfAnotherTypeAreSetAside() {
    String queues = f.namespace + ":queues";
    String recurring = f.namespace + ":recurring";
    f.redis().set(queues, "garbage");
    f.redis().set(recurring, "garbage");
    assertThat(f.spool.monitor().queues()).isEmpty(); // read as none, not an error

    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.spool.recurring("tick", Schedule.every(Duration.ofHours(1)), NOOP, new Noop(2));

    assertThat(f.spool.statuses().find(id)).isPresent();
    assertThat(f.spool.monitor().queues()).containsExactly("work");
    assertThat(f.spool.recurringJobs()).extracting(RecurringJob::name).containsExactly("tick");
    assertThat(f.redis().get("{" + queues + "}:corrupt")).isEqualTo("garbage");
    assertThat(f.redis().get("{" + recurring + "}:corrupt")).isEqualTo("garbage");
  }

  private State state(JobId id) {
    return f.spool.statuses().find(id).map(JobStatus::state).orElse(null);
  }

  @Test
  void aQueuesLeaseAvoidAndFinishedKeysOfAnotherTypeAreSetAsideAndNoJobIsLost() {
    for (String structure : List.of("active", "avoid", "finished")) {
      f.redis().set(key(structure), "garbage");
    }
    List<JobId> ids = f.spool.enqueueAll(NOOP, List.of(new Noop(1), new Noop(2), new Noop(3)));
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().where(State.SUCCEEDED).count() == 3);
    assertThat(ran).containsExactlyInAnyOrder(1, 2, 3);
    for (String structure : List.of("active", "avoid", "finished")) {
      assertThat(f.redis().get(key("corrupt:" + structure))).as(structure).isEqualTo("garbage");
    }
    assertThat(f.redis().zrange(key("finished"), 0, -1))
        .containsExactlyInAnyOrderElementsOf(
            ids.stream().map(id -> Long.toString(id.number())).toList());
  }

  @Test
  void aQueuesScheduleKeysOfAnotherTypeHoldUpNoOtherQueuesDelayedJobs() {
    JobType<Noop> later = JobType.of("later", Noop.class).withQueue("later");
    f.redis().set(key("delayed"), "garbage");
    f.redis().set(key("recurring:due"), "garbage");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    Worker worker =
        f.worker("node-1")
            .queues("work", "later") // "work" is staged first
            .handle(NOOP, (job, a) -> ran.add(a.n()))
            .handle(later, (job, a) -> ran.add(a.n()))
            .start();

    f.spool.enqueue(later, new Noop(1), JobOptions.builder().delay(Duration.ofMillis(300)).build());
    worker.stageNow();

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));
    // The delayed set of another type was set aside, and "work" takes delays again.
    assertThat(f.redis().get(key("corrupt:delayed"))).isEqualTo("garbage");
    f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().delay(Duration.ofMillis(300)).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(2));
  }

  /**
   * A job sequence of garbage (no number INCR counts on, or another type) refused every enqueue,
   * status and tick of its queue with Redis's raw "ERR value is not an integer … @user_script"
   * until someone mended it by hand. It is set aside, and numbering goes on after the newest bucket
   * of stored statuses: no job still stored is given its number again.
   */
  @Test
  void aSequenceOfGarbageIsSetAsideAndNumberingGoesOnAfterTheStoredJobs() {
    List<JobId> before = f.spool.enqueueAll(FRAGILE, List.of(new Noop(0), new Noop(1)));
    f.redis().set(key("seq"), "abc");

    JobId next = f.spool.enqueue(FRAGILE, new Noop(2));
    assertThat(f.redis().get(key("corrupt:seq"))).isEqualTo("abc");
    assertThat(next.number()).isGreaterThan(before.getLast().number());
    assertThat(f.spool.statuses().findOrUnknown(before.getFirst()).state()).isEqualTo(State.QUEUED);

    f.redis().del(key("seq"));
    f.redis().rpush(key("seq"), "7"); // another type
    JobId status = f.spool.statuses().create("work").id();
    assertThat(status.number()).isGreaterThan(next.number());
    assertThat(f.redis().type(key("corrupt:seq"))).isEqualTo("list");

    try (Worker worker = f.worker("node-1").handle(FRAGILE, (job, n) -> {}).start()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> f.spool.monitor().counts("work").completed() == 3);
    }
  }

  /**
   * The directory of status buckets may not list the newest (it started afresh, or an older version
   * wrote the bucket): the buckets after its newest are looked at too, so job 513 is not given out
   * again while it is stored.
   */
  @Test
  void aSequenceOfGarbageNeverGivesANumberOfAStoredJobInABucketTheDirectoryMisses() {
    List<Noop> many = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      many.add(new Noop(i));
    }
    List<JobId> stored = f.spool.enqueueAll(FRAGILE, many); // buckets 0 and 1 (512 a bucket)
    assertThat(f.redis().zrem(key("ix:dir"), "1")).isEqualTo(1L);
    f.redis().set(key("seq"), "garbage");

    JobId next = f.spool.enqueue(FRAGILE, new Noop(-1));
    assertThat(next.number()).isGreaterThan(stored.getLast().number());
    assertThat(f.redis().hget(f.jobKey(stored.get(512)), "a")).isEqualTo("{\"n\":512}");
  }

  /**
   * A fetch that buries an orphan (a ready id whose job is gone) raises the sequence past it: with
   * a sequence of garbage read as 0, it set it to that low number, and the next enqueue merged into
   * stored job 6.
   */
  @Test
  void anOrphanBuriedBesideASequenceOfGarbageNeverLowersTheNumbering() {
    List<JobId> stored = f.spool.enqueueAll(FRAGILE, Fixtures.noops(20));
    f.redis().del(f.jobKey(stored.get(4)));
    f.redis().lpush(key("ready"), "5");
    f.redis().set(key("seq"), "garbage");

    f.jobStore().fetchJobs("work", "n1", Micros.now(java.time.Clock.systemUTC()), 60_000, 1);
    JobId next = f.spool.enqueue(FRAGILE, new Noop(-1));

    assertThat(next.number()).isGreaterThan(20);
    assertThat(f.redis().hget(f.jobKey(stored.get(5)), "a")).isEqualTo("{\"n\":5}");
  }

  /**
   * The directory of status buckets itself garbage: the newest bucket ever listed is kept apart
   * from it, so job 10240 is not given out again (numbering started at 1 again).
   */
  @Test
  void aSequenceOfGarbageBesideADirectoryOfGarbageNeverGivesAStoredNumber() {
    f.redis().set(key("seq"), "10239");
    JobId stored = f.spool.enqueue(FRAGILE, new Noop(1)); // 10240: bucket 20
    f.redis().del(key("ix:dir"));
    f.redis().sadd(key("ix:dir"), "garbage");
    f.redis().set(key("seq"), "garbage");

    assertThat(f.spool.enqueue(FRAGILE, new Noop(2)).number()).isGreaterThan(stored.number());
  }

  @Test
  void aSequenceAtItsEndRefusesNewJobsAndStatusesAndStaysThere() {
    f.redis().set(key("seq"), "99999999999999"); // the last 14-digit number is given out

    assertThatThrownBy(() -> f.spool.enqueue(FRAGILE, new Noop(1)))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("the job numbers of this queue are used up");
    assertThatThrownBy(() -> f.spool.statuses().create("work"))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("the job numbers of this queue are used up");
    assertThat(f.redis().get(key("seq"))).isEqualTo("99999999999999");
    assertThat(f.redis().keys(key("job:*"))).isEmpty();
  }

  @Test
  void garbageInTheDeadSetStopsNeitherItsListingNorARetryOfAll() {
    List<JobId> ids = f.spool.enqueueAll(FRAGILE, List.of(new Noop(0), new Noop(1), new Noop(2)));
    List<Integer> ran = new CopyOnWriteArrayList<>();
    try (Worker worker =
        f.worker("node-1")
            .handle(
                FRAGILE,
                (job, a) -> {
                  ran.add(a.n());
                  if (ran.size() <= 3) {
                    throw new IllegalStateException("boom");
                  }
                })
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 3);
    }
    f.redis().del(f.jobKey(ids.get(0)));
    f.redis().lpush(f.jobKey(ids.get(0)), "not a job");
    f.redis().zadd(key("dead"), 1, "abc");

    List<DeadJob> listed = f.spool.deadJobs().list("work", 0, 10);
    assertThat(listed)
        .extracting(DeadJob::id)
        .containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(2));
    assertThat(dead(ids.get(1)).error()).contains("boom");

    assertThat(f.spool.deadJobs().retryAll("work")).isEqualTo(2);
    assertThat(f.redis().zcard(key("dead"))).isZero();
    assertThat(f.redis().lrange(key("corrupt:" + ids.get(0).number()), 0, -1))
        .containsExactly("not a job");
    f.worker("node-2").handle(FRAGILE, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 5);
    assertThat(ran.subList(3, 5)).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void aUniqueLockKeyOfAnotherTypeIsSetAsideAndTheNewJobTakesTheLock() {
    JobId first = f.spool.enqueue(UNIQUE, new Noop(1));
    String lock = lockKey();
    assertThat(f.redis().get(lock)).isEqualTo(Long.toString(first.number()));
    f.redis().del(lock);
    f.redis().hset(lock, "x", "y");
    f.redis().del(f.jobKey(first));
    f.redis().del(key("ready"));

    List<EnqueueResult> results =
        f.spool.tryEnqueueAll(
            List.of(
                JobSpec.of(UNIQUE, new Noop(7)),
                JobSpec.of(UNIQUE, new Noop(1)),
                JobSpec.of(UNIQUE, new Noop(8))));

    assertThat(results).allMatch(EnqueueResult::accepted);
    assertThat(f.redis().get(lock)).isEqualTo(Long.toString(results.get(1).jobId().number()));
    assertThat(
            f.redis().hget(key("corrupt:lock:" + lock.substring(lock.lastIndexOf(':') + 1)), "x"))
        .isEqualTo("y");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(UNIQUE, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 3);
    assertThat(ran).containsExactlyInAnyOrder(7, 1, 8);
  }

  @Test
  void aWhileExecutingLockKeyHoldingGarbageIsSetAsideAndTheJobRuns() {
    JobId id = f.spool.enqueue(WHILE_RUNNING, new Noop(1));
    List<String> lockDuringRun = new CopyOnWriteArrayList<>();
    // The lock is taken at start: plant garbage where it goes before any node starts the job.
    String digestOf = f.redis().hget(f.jobKey(id), "u");
    String lock = key("lock:" + digestOf.substring(digestOf.lastIndexOf('|') + 1));
    f.redis().set(lock, "garbage");

    f.worker("node-1")
        .handle(WHILE_RUNNING, (job, a) -> lockDuringRun.add(f.redis().get(lock)))
        .start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
    assertThat(lockDuringRun).containsExactly(Long.toString(id.number()));
    assertThat(f.redis().get(key("corrupt:lock:" + lock.substring(lock.lastIndexOf(':') + 1))))
        .isEqualTo("garbage");
  }

  @Test
  void lockKeysOfAnotherTypeAreSetAsideAtStartAndTheirJobsRun() {
    JobType<Noop> untilStart =
        JobType.of("until-start", Noop.class).withQueue("work").withUnique(Unique.untilExecuting());
    JobId running = f.spool.enqueue(WHILE_RUNNING, new Noop(1));
    JobId starting = f.spool.enqueue(untilStart, new Noop(2));
    for (JobId id : List.of(running, starting)) {
      String u = f.redis().hget(f.jobKey(id), "u");
      String lock = key("lock:" + u.substring(u.lastIndexOf('|') + 1));
      f.redis().del(lock);
      f.redis().hset(lock, "x", "y");
    }

    f.worker("node-1")
        .handle(WHILE_RUNNING, (job, a) -> {})
        .handle(untilStart, (job, a) -> {})
        .start();

    for (JobId id : List.of(running, starting)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
    }
    assertThat(f.redis().keys(key("corrupt:lock:*"))).hasSize(2);
    assertThat(f.spool.deadJobs().size("work")).isZero();
  }

  @Test
  void deadSetMembersThatNameNoJobLeaveAPurgeAndKeepTheirKeys() {
    f.redis().zadd(key("dead"), 1, "abc");
    f.redis().set(key("job:abc"), "not ours");
    f.redis().zadd(key("dead"), 2, "007");

    assertThat(f.spool.deadJobs().purge("work")).isEqualTo(2);

    assertThat(f.redis().zcard(key("dead"))).isZero();
    assertThat(f.redis().get(key("job:abc"))).isEqualTo("not ours");
  }

  @Test
  void aLockKeyCorruptedWhileItsJobRunsLeavesTheJobSucceeded() {
    JobId id = f.spool.enqueue(UNIQUE, new Noop(1));
    String lock = lockKey();
    f.worker("node-1")
        .handle(
            UNIQUE,
            (job, a) -> {
              f.redis().del(lock);
              f.redis().hset(lock, "x", "y");
            })
        .start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
    assertThat(f.redis().zcard(key("active"))).isZero();
    assertThat(f.redis().exists(lock)).isZero();
    // The lock is free: the same arguments are accepted again.
    assertThat(f.spool.tryEnqueue(UNIQUE, new Noop(1)).accepted()).isTrue();
  }

  @Test
  void leasesWithNoJobBehindThemAreDeadWithTheReason() {
    f.redis().set(f.jobKey(new JobId("work", 6161)), "a string");
    f.redis().hset(f.jobKey(new JobId("work", 6262)), "w", "ghost");
    f.redis().zadd(key("active"), 1, "6161");
    f.redis().zadd(key("active"), 1, "6262");
    JobId fine = f.spool.enqueue(NOOP, new Noop(1));

    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 2);
    assertThat(dead(new JobId("work", 6161)).error())
        .contains("its key held a string, not a job hash");
    assertThat(dead(new JobId("work", 6262)).error())
        .contains("corrupt job: it had a lease but no state");
    assertThat(f.redis().get(key("corrupt:6161"))).isEqualTo("a string");
    assertThat(f.redis().zcard(key("active"))).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(fine).orElseThrow().state() == State.SUCCEEDED);
  }

  @Test
  void membersOfAStatusIndexThatNameNoJobMatchNoQuery() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(1200));
    f.redis().sadd(key("ix:s:queued:1"), "garbage");
    f.redis().sadd(key("ix:s:queued:0"), "12345678901234567890");
    StatusQuery queued = f.spool.statuses().where(State.QUEUED).queue("work");

    assertThat(queued.limit(5).offset(600).list()).hasSize(5);
    List<JobId> paged = new ArrayList<>();
    String cursor = null;
    do {
      StatusPage page = queued.limit(500).page(cursor);
      page.statuses().forEach(s -> paged.add(s.id()));
      cursor = page.next();
    } while (cursor != null);
    assertThat(paged).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void aStatusKeyOfAnotherTypeIsLeftOutOfListingsAndFindsNothing() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    f.redis().del(f.jobKey(ids.get(1)));
    f.redis().set(f.jobKey(ids.get(1)), "garbage");

    assertThat(f.spool.statuses().where(State.QUEUED).queue("work").list())
        .extracting(JobStatus::id)
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
    assertThat(f.spool.statuses().find(ids.get(1))).isEmpty();
  }
}
