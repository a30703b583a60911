package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Draining a queue ({@link QueueControl#drain}): every waiting job goes, wherever it waits, ending
 * as a cancelled job does (killed, its lock given back, a batch part failed); running jobs finish;
 * the work is done in slices of a bounded size; garbage and a queue filled meanwhile stop nothing.
 */
class DrainIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> LIMITED =
      JobType.of("limited", Noop.class).withQueue("work").withConcurrencyLimit(1);
  static final JobType<Noop> ONCE =
      JobType.of("once", Noop.class).withQueue("work").withUnique(Unique.untilExecuted());

  Fixtures f;
  String qp;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    qp = f.namespace + ":{work}:";
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private State stateOf(JobId id) {
    return f.spool.statuses().findOrUnknown(id).state();
  }

  @Test
  void removesEveryWaitingJobWhereverItWaitsAndLeavesRunningAndScheduledOnes() throws Exception {
    // One limited job runs (and blocks); the three others wait in its park list.
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    List<JobId> limited = f.spool.enqueueAll(LIMITED, Fixtures.noops(4));
    try (Worker w =
        f.worker("node-a")
            .concurrency(4)
            .handle(
                LIMITED,
                (job, a) -> {
                  started.incrementAndGet();
                  release.await();
                })
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> "3".equals(f.redis().get(qp + "parked")));
      assertThat(started).hasValue(1);
      QueueControl work = f.spool.queue("work");
      work.pause(); // the node takes nothing more: the jobs below wait where they are put

      List<JobId> waiting = new ArrayList<>(f.spool.enqueueAll(NOOP, Fixtures.noops(10)));
      JobOptions.Builder o = JobOptions.builder();
      for (int i = 0; i < 5; i++) {
        waiting.add(
            f.spool.enqueue(NOOP, new Noop(i), JobOptions.builder().priority(i + 1).build()));
      }
      for (int i = 0; i < 3; i++) {
        waiting.add(
            f.spool.enqueue(
                NOOP, new Noop(i), JobOptions.builder().node("node-x").strictNode(true).build()));
        waiting.add(
            f.spool.enqueue(NOOP, new Noop(i), JobOptions.builder().node("node-y").build()));
        waiting.add(f.spool.enqueue(NOOP, new Noop(i), o.notNode("node-z").build()));
      }
      List<JobId> later = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        later.add(
            f.spool.enqueue(
                NOOP, new Noop(i), JobOptions.builder().delay(Duration.ofHours(1)).build()));
      }
      RedisCommands<String, String> r = f.redis();
      assertThat(r.llen(qp + "ready:@node-x")).isEqualTo(3);
      assertThat(r.llen(qp + "ready:!node-z")).isEqualTo(3);
      assertThat(r.zcard(qp + "prio")).isEqualTo(5);
      JobId running =
          limited.stream().filter(id -> stateOf(id) == State.STARTED).findFirst().orElseThrow();
      List<JobId> parked = limited.stream().filter(id -> !id.equals(running)).toList();
      waiting.addAll(parked);
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(27);

      assertThat(work.drain()).isEqualTo(27);

      assertThat(f.spool.monitor().counts("work").ready()).isZero();
      assertThat(f.spool.monitor().counts("work").delayed()).isEqualTo(2);
      assertThat(r.get(qp + "parked")).isEqualTo("0");
      assertThat(r.smembers(qp + "parks")).isEmpty();
      assertThat(r.smembers(qp + "avoid")).isEmpty();
      for (JobId id : waiting) {
        JobStatus s = f.spool.statuses().find(id).orElseThrow();
        assertThat(s.state()).as(id.toString()).isEqualTo(State.KILLED);
        assertThat(s.errors().toString()).contains("QueueDrained");
      }
      assertThat(f.spool.outcome(waiting.getFirst()).get(5, TimeUnit.SECONDS).state())
          .isEqualTo(State.KILLED);
      assertThat(later).allMatch(id -> stateOf(id) == State.SCHEDULED);
      assertThat(stateOf(running)).isEqualTo(State.STARTED);

      release.countDown(); // the running job finishes as usual
      await().atMost(Duration.ofSeconds(10)).until(() -> stateOf(running) == State.SUCCEEDED);
      assertThat(started).hasValue(1);

      assertThat(work.drain(true)).isEqualTo(2); // now the scheduled ones too
      assertThat(later).allMatch(id -> stateOf(id) == State.KILLED);
      assertThat(f.spool.monitor().counts("work").delayed()).isZero();
      assertThat(work.drain(true)).isZero();
      assertThat(work.isPaused()).as("a drain leaves the pause alone").isTrue();
    }
  }

  @Test
  void aLimitLeavesTheSetOfParkedLimitsOnceItsParkedJobsRan() {
    AtomicInteger ran = new AtomicInteger();
    AtomicBoolean sawParked = new AtomicBoolean();
    f.spool.enqueueAll(LIMITED, Fixtures.noops(20));
    try (Worker w =
        f.worker("node-a")
            .concurrency(8)
            .handle(
                LIMITED,
                (job, a) -> {
                  if (ran.getAndIncrement() == 0) { // the first holds the slot until others park
                    await()
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> f.redis().scard(qp + "parks") > 0);
                    sawParked.set(true);
                  }
                })
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 20);
      assertThat(sawParked).isTrue();
      // The set lists limits with jobs waiting, not every limit ever used (per-key limits are
      // many).
      await().atMost(Duration.ofSeconds(5)).until(() -> f.redis().scard(qp + "parks") == 0);
    }
  }

  @Test
  void jobsParkedBeforeTheSetOfParkedLimitsExistedAreFoundOnceASlotFrees() throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch second = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    List<JobId> limited = f.spool.enqueueAll(LIMITED, Fixtures.noops(4));
    try (Worker w =
        f.worker("node-a")
            .concurrency(4)
            .handle(
                LIMITED,
                (job, a) -> {
                  (started.incrementAndGet() == 1 ? first : second).await();
                })
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> "3".equals(f.redis().get(qp + "parked")));
      // As a version before {q}:parks left them: parked, but in no set a drain reads.
      f.redis().del(qp + "parks");

      first.countDown(); // its slot goes to one parked job, which runs; two still wait
      await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2);

      assertThat(f.spool.queue("work").drain()).isEqualTo(2);
      assertThat(f.redis().get(qp + "parked")).isEqualTo("0");
      assertThat(limited.stream().filter(id -> stateOf(id) == State.KILLED)).hasSize(2);
      second.countDown();
    }
  }

  @Test
  void aShardedQueueIsDrainedShardByShard() {
    try (Spool sharded =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).shardedQueue("work", 3).build()) {
      List<JobId> ids = sharded.enqueueAll(NOOP, Fixtures.noops(30));
      assertThat(ids.stream().map(JobId::queue).distinct()).hasSizeGreaterThan(1);

      assertThat(sharded.queue("work").drain()).isEqualTo(30);

      assertThat(ids).allMatch(id -> sharded.statuses().findOrUnknown(id).state() == State.KILLED);
    }
  }

  @Test
  void theUniqueLocksOfDrainedJobsAreGivenBackSoTheSameJobsMayBeEnqueuedAgain() {
    EnqueueResult first = f.spool.tryEnqueue(ONCE, new Noop(1));
    assertThat(first.accepted()).isTrue();
    assertThat(f.spool.tryEnqueue(ONCE, new Noop(1)).accepted()).isFalse();

    assertThat(f.spool.queue("work").drain()).isEqualTo(1);

    assertThat(stateOf(first.jobId())).isEqualTo(State.KILLED);
    EnqueueResult again = f.spool.tryEnqueue(ONCE, new Noop(1));
    assertThat(again.accepted()).isTrue();
    assertThat(again.jobId()).isNotEqualTo(first.jobId());
  }

  record Report(String month) {}

  @Test
  void aBatchWhosePartsWereDrainedCompletesWithThemFailed() {
    JobType<Noop> day = JobType.of("day", Noop.class).withQueue("work");
    JobType<Report> report = JobType.of("report", Report.class).withQueue("work");
    JobType<Report> notify = JobType.of("notify", Report.class).withQueue("work");
    Batch.Builder builder =
        f.spool.batch().onComplete(report, new Report("11")).onSuccess(notify, new Report("11"));
    for (int d = 0; d < 600; d++) { // more than a slice: reports of the first wait behind the rest
      builder.add(day, new Noop(d));
    }
    Batch batch = builder.submit();

    assertThat(f.spool.queue("work").drain()).isEqualTo(600);

    List<String> callbacks = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger days = new AtomicInteger();
    try (Worker w =
        f.worker("node-1")
            .concurrency(8)
            .handle(day, (job, d) -> days.incrementAndGet())
            .handle(report, (job, m) -> callbacks.add("report"))
            .handle(notify, (job, m) -> callbacks.add("notify"))
            .start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> batch.progress().finished());
      await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
    }
    assertThat(callbacks).containsExactly("report");
    assertThat(days).hasValue(0);
    assertThat(batch.progress()).isEqualTo(new BatchProgress(600, 0, 0, 600, true, false));
  }

  @Test
  void garbageInTheQueueStopsNothing() {
    RedisCommands<String, String> r = f.redis();
    List<JobId> before = f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    JobId done = f.spool.enqueue(NOOP, new Noop(9));
    r.hset(f.jobKey(done), "s", "succeeded"); // a finished job's id left in the list
    r.rpush(qp + "ready", "not-a-number", "007", "99999", done.number() + "");
    r.set(qp + "job:99998", "a string, not a hash");
    r.rpush(qp + "ready", "99998");
    r.set(qp + "ready:!ghost", "a string where a list should be");
    r.sadd(qp + "avoid", "ghost");
    List<JobId> after = f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    JobId odd = f.spool.enqueue(NOOP, new Noop(10));
    r.hset(f.jobKey(odd), "s", "bogus"); // a state that is none of Spool's

    assertThat(f.spool.queue("work").drain()).isEqualTo(6);

    assertThat(r.llen(qp + "ready")).isZero();
    for (JobId id : before) {
      assertThat(stateOf(id)).isEqualTo(State.KILLED);
    }
    for (JobId id : after) {
      assertThat(stateOf(id)).isEqualTo(State.KILLED);
    }
    assertThat(stateOf(done)).isEqualTo(State.SUCCEEDED);
    // The orphans and the job of no state go to the dead set, as a node would send them.
    assertThat(r.zrange(qp + "dead", 0, -1))
        .containsExactlyInAnyOrder("99999", "99998", odd.number() + "");
  }

  @Test
  void aLargeQueueIsDrainedInManyCallsOfABoundedSlice() {
    RedisCommands<String, String> r = f.redis();
    int jobs = 20_000;
    for (int i = 0; i < jobs; i += 2_000) {
      f.spool.enqueueAll(NOOP, Fixtures.noops(2_000));
    }
    long evalsBefore = evalCalls(r);

    assertThat(f.spool.queue("work").drain()).isEqualTo(jobs);

    // One counts call, then a call per slice (and one that finds the queue empty at most).
    long calls = evalCalls(r) - evalsBefore - 1;
    assertThat(calls)
        .isBetween((long) jobs / RedisJobStore.DRAIN_SLICE, jobs / RedisJobStore.DRAIN_SLICE + 1L);
    assertThat(f.spool.statuses().where(State.KILLED).count()).isEqualTo(jobs);
  }

  @Test
  void eachCallTakesAtMostASliceAndItsWorkDoesNotGrowWithTheQueue() {
    RedisCommands<String, String> r = f.redis();
    for (int i = 0; i < 20_000; i += 2_000) {
      f.spool.enqueueAll(NOOP, Fixtures.noops(2_000));
    }
    try (RedisConnection connection = RedisConnection.open(redis.uri(), Duration.ofSeconds(10))) {
      RedisJobStore store =
          new RedisJobStore(
              connection,
              new Keys(f.namespace),
              Duration.ofDays(1),
              10_000,
              Duration.ofDays(180),
              true);
      long drained = 0;
      long most = 0;
      long[] slice;
      do {
        long commands = commandCalls(r);
        slice = store.drainSlice("work", Micros.now(Clock.systemUTC()), false);
        most = Math.max(most, commandCalls(r) - commands);
        assertThat(slice[1]).isLessThanOrEqualTo(RedisJobStore.DRAIN_SLICE);
        drained += slice[0];
      } while (slice[2] == 1);
      assertThat(drained).isEqualTo(20_000);
      // Commands Redis ran for one call: about a dozen per job, never a list's length.
      assertThat(most).isLessThan(15L * RedisJobStore.DRAIN_SLICE);
    }
  }

  @Test
  void aQueueFilledWhileItDrainsStillFinishes() throws Exception {
    List<JobId> first = f.spool.enqueueAll(NOOP, Fixtures.noops(5_000));
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService fillers = Executors.newFixedThreadPool(2);
    List<Future<?>> filling = new ArrayList<>();
    CountDownLatch filled = new CountDownLatch(2);
    for (int t = 0; t < 2; t++) {
      filling.add(
          fillers.submit(
              () -> {
                f.spool.enqueueAll(NOOP, Fixtures.noops(1_000));
                filled.countDown();
                while (!stop.get()) {
                  f.spool.enqueueAll(NOOP, Fixtures.noops(1_000));
                }
              }));
    }
    try {
      assertThat(filled.await(20, TimeUnit.SECONDS)).isTrue(); // filling while it drains
      long drained =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              Duration.ofSeconds(60), () -> f.spool.queue("work").drain());
      assertThat(drained).isGreaterThanOrEqualTo(first.size());
    } finally {
      stop.set(true);
      for (Future<?> filler : filling) {
        filler.get(20, TimeUnit.SECONDS);
      }
      fillers.shutdown();
    }
    // Every job that waited when the drain began is gone.
    for (JobId id : first) {
      assertThat(stateOf(id)).as(id.toString()).isEqualTo(State.KILLED);
    }
  }

  private static long evalCalls(RedisCommands<String, String> r) {
    long calls = 0;
    for (String line : r.info("commandstats").lines().toList()) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        calls += field(line, "calls=");
      }
    }
    return calls;
  }

  /** Commands Redis ran so far but INFO itself (scripts' own commands count). */
  private static long commandCalls(RedisCommands<String, String> r) {
    long calls = 0;
    for (String line : r.info("commandstats").lines().toList()) {
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
        calls += field(line, "calls=");
      }
    }
    return calls;
  }

  private static long field(String line, String name) {
    int from = line.indexOf(name) + name.length();
    return Long.parseLong(line.substring(from, line.indexOf(',', from)));
  }
}
