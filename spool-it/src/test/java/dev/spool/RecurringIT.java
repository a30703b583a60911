package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RecurringIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> PING = JobType.of("ping", Noop.class).withQueue("cron");
  static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

  final MutableClock clock = new MutableClock(START);
  final String namespace = SpoolRedis.namespace();
  final List<Spool> spools = new ArrayList<>();
  final List<Worker> workers = new ArrayList<>();
  final List<AutoCloseable> closeLast = new ArrayList<>();
  final AtomicInteger runs = new AtomicInteger();
  final List<String> ranOn = new CopyOnWriteArrayList<>(); // "<args n>@<node>", per run

  @BeforeEach
  void threeSchedulers() {
    for (int i = 0; i < 3; i++) {
      Spool spool = Spool.builder().redis(redis.uri()).namespace(namespace).clock(clock).build();
      spools.add(spool);
      workers.add(
          spool
              .worker("node-" + i)
              .handle(
                  PING,
                  (job, a) -> {
                    ranOn.add(a.n() + "@" + job.node());
                    runs.incrementAndGet();
                  })
              .start());
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    spools.forEach(Spool::close);
    for (AutoCloseable c : closeLast) {
      c.close();
    }
  }

  /** Every node's scheduler runs at the same moment, as they would on a tick. */
  void tickEverywhere() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> all = new ArrayList<>();
    for (Worker w : workers) {
      all.add(pool.submit(w::stageNow));
    }
    for (Future<?> f : all) {
      f.get(10, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  Spool spool() {
    return spools.getFirst();
  }

  /** A plain connection to the test's Redis, closed after the test: to look at or damage keys. */
  RedisCommands<String, String> raw() {
    RedisClient client = RedisClient.create(redis.uri());
    closeLast.add(client::shutdown);
    return client.connect().sync();
  }

  /**
   * A name mapped to no queue name (written behind Spool's back) is no recurring job: the list
   * shows the others (it failed whole), a trigger finds nothing, and a cancel removes the name.
   */
  @Test
  void aNameMappedToNoQueueHarmsNoOtherRecurringJob() {
    spool().recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, new Noop(1));
    raw().hset(namespace + ":recurring", "broken", "no queue {name}");

    assertThat(spool().recurringJobs()).extracting(RecurringJob::name).containsExactly("ping");
    assertThat(spool().triggerRecurring("broken")).isFalse();
    assertThat(spool().cancelRecurring("broken")).isTrue();
    assertThat(raw().hexists(namespace + ":recurring", "broken")).isFalse();
    assertThat(spool().recurringJobs()).extracting(RecurringJob::name).containsExactly("ping");
  }

  @Test
  void eachTickRunsExactlyOnceWhateverTheNumberOfSchedulers() throws Exception {
    spool().recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, new Noop(1));
    tickEverywhere();
    assertThat(spool().monitor().counts("cron").ready() + runs.get()).as("not due yet").isZero();
    for (int tick = 1; tick <= 5; tick++) {
      clock.advance(Duration.ofSeconds(30));
      tickEverywhere();
      tickEverywhere();
      int expected = tick;
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == expected);
    }
    assertThat(runs).hasValue(5);
  }

  @Test
  void aTriggerFiresTheNextRunNowAndTheScheduleGoesOnFromThere() throws Exception {
    spool().recurring("ping", Schedule.every(Duration.ofMinutes(30)), PING, new Noop(1));
    assertThat(spool().triggerRecurring("nope")).isFalse();
    assertThat(spool().triggerRecurring("ping")).isTrue();
    tickEverywhere();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    tickEverywhere();
    assertThat(runs).hasValue(1); // once, however many schedulers saw it
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
  }

  @Test
  void ticksMissedWhileEveryNodeWasDownFireOnce() throws Exception {
    spool().recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, new Noop(1));
    clock.advance(Duration.ofMinutes(10)); // twenty ticks missed
    tickEverywhere();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    tickEverywhere();
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(clock.instant().plusSeconds(30));
    assertThat(
            spool().monitor().counts("cron").completed() + spool().monitor().counts("cron").ready())
        .isEqualTo(1);
  }

  /**
   * Applications define their recurring jobs at every start: a start after an outage must not skip
   * the tick it missed, nor put an {@code every} schedule off by its period (a daily job on a
   * service deployed daily never ran). Its arguments are replaced all the same.
   */
  @Test
  void definingAJobAgainWithTheSameScheduleKeepsItsNextRun() throws Exception {
    Schedule daily = Schedule.every(Duration.ofDays(1));
    spool().recurring("daily", daily, PING, new Noop(1));
    clock.advance(Duration.ofHours(23));
    spool().recurring("daily", daily, PING, new Noop(2)); // a deploy, an hour before the tick
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(START.plus(Duration.ofDays(1)));

    clock.advance(Duration.ofHours(3)); // every node down across the tick; then a start
    spool().recurring("daily", daily, PING, new Noop(3));
    tickEverywhere();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    assertThat(ranOn).singleElement().asString().startsWith("3@");
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(clock.instant().plus(Duration.ofDays(1)));

    // A next run later than the schedule allows (written by a clock running fast, or by hand) is
    // taken afresh, not kept.
    raw().zadd(namespace + ":{cron}:recurring:due", Double.POSITIVE_INFINITY, "daily");
    spool().recurring("daily", daily, PING, new Noop(3));
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(clock.instant().plus(Duration.ofDays(1)));

    // A new schedule starts from now.
    spool().recurring("daily", Schedule.every(Duration.ofHours(2)), PING, new Noop(4));
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(clock.instant().plus(Duration.ofHours(2)));
  }

  /**
   * Two processes moving a recurring job to different queues at once (a rolling deploy) could leave
   * its definition in both, each firing every tick; the queue the name is mapped to wins, and the
   * other queue's stager removes its leftover when it comes due.
   */
  @Test
  void aDefinitionLeftOnAQueueItWasMovedFromIsRemovedNotFired() throws Exception {
    Schedule every30s = Schedule.every(Duration.ofSeconds(30));
    spool().recurring("ping", every30s, PING, new Noop(1));
    JobOptions elsewhere = JobOptions.builder().queue("cron-b").build();
    spool().recurring("ping", every30s, PING, new Noop(2), elsewhere);
    // As a racing process leaves it: the old queue's definition written again after the move.
    var raw = raw();
    String old = namespace + ":{cron}:recurring";
    raw.hset(old, "ping", raw.hget(namespace + ":{cron-b}:recurring", "ping"));
    raw.zadd(old + ":due", clock.millis() + 30_000, "ping");

    workers.add(
        spool()
            .worker("node-b")
            .queues("cron-b")
            .handle(PING, (job, a) -> ranOn.add(a.n() + "@" + job.node()))
            .start());
    clock.advance(Duration.ofSeconds(30));
    tickEverywhere();
    workers.getLast().stageNow();
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.size() == 1);
    tickEverywhere();
    assertThat(ranOn).containsExactly("2@node-b");
    assertThat(raw.hexists(old, "ping")).isFalse();
    assertThat(raw.zscore(old + ":due", "ping")).isNull();
    assertThat(spool().recurringJobs()).extracting(RecurringJob::queue).containsExactly("cron-b");
  }

  /** Garbage at a queue's recurring keys is set aside by the next definition, not fatal to it. */
  @Test
  void aDueSetOfAnotherTypeIsSetAsideWhenAJobIsDefined() throws Exception {
    var raw = raw();
    raw.set(namespace + ":{cron}:recurring:due", "garbage");

    spool().recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, new Noop(1));
    clock.advance(Duration.ofSeconds(30));
    tickEverywhere();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    assertThat(raw.get(namespace + ":{cron}:corrupt:recurring:due")).isEqualTo("garbage");
  }

  /**
   * A unique lock TTL that is not positive, written behind Spool's back, made every tick enqueue
   * its job and then fail setting the lock: a job with no lock each tick, and a warning.
   */
  @Test
  void aStoredLockTtlOutOfRangeIsAMalformedDefinitionThatFiresNothing() throws Exception {
    JobType<Noop> uniquePing = PING.withUnique(Unique.untilExecuted());
    spool().recurring("ping", Schedule.every(Duration.ofSeconds(30)), uniquePing, new Noop(1));
    var raw = raw();
    String key = namespace + ":{cron}:recurring";
    raw.hset(
        key, "ping", raw.hget(key, "ping").replaceFirst("\"lockTtlMs\":\\d+", "\"lockTtlMs\":-5"));

    clock.advance(Duration.ofSeconds(30));
    tickEverywhere();
    assertThat(spool().recurringJobs().getFirst().schedule())
        .isEqualTo("malformed definition: unique lock TTL out of range: -5 ms");
    assertThat(spool().monitor().counts("cron").ready() + runs.get()).isZero();
  }

  @Test
  void recurringJobsAreListedReplacedAndCancelled() throws Exception {
    spool().recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, new Noop(1));
    spool()
        .recurring(
            "report", Schedule.cron("0 3 * * *", ZoneId.of("Europe/Berlin")), PING, new Noop(2));
    assertThat(spool().recurringJobs())
        .extracting(RecurringJob::name)
        .containsExactly("ping", "report");
    RecurringJob report = spool().recurringJobs().get(1);
    assertThat(report.nextRun()).isEqualTo(Instant.parse("2026-11-24T02:00:00Z"));
    assertThat(report.lastRun()).isEmpty();
    assertThat(report.schedule()).contains("0 3 * * *").contains("Europe/Berlin");

    spool().recurring("ping", Schedule.every(Duration.ofMinutes(5)), PING, new Noop(3));
    assertThat(spool().recurringJobs().getFirst().nextRun())
        .isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(spool().recurringJobs().getFirst().args()).isEqualTo("{\"n\":3}");

    clock.advance(Duration.ofMinutes(5));
    tickEverywhere();
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
    assertThat(spool().recurringJobs().getFirst().lastRun()).contains(clock.instant());

    assertThat(spool().cancelRecurring("ping")).isTrue();
    assertThat(spool().cancelRecurring("ping")).isFalse();
    clock.advance(Duration.ofMinutes(5));
    tickEverywhere();
    assertThat(spool().recurringJobs()).extracting(RecurringJob::name).containsExactly("report");
    assertThat(runs).hasValue(1);
  }

  /** job_reactor's periodic jobs take `node` and `not_node` as its other jobs do. */
  @Test
  void eachTickKeepsTheNodeAffinityAndPriorityItWasDefinedWith() throws Exception {
    Schedule every30s = Schedule.every(Duration.ofSeconds(30));
    JobOptions onlyNode2 = JobOptions.builder().node("node-2").strictNode(true).build();
    spool().recurring("pinned", every30s, PING, new Noop(1), onlyNode2);
    spool()
        .recurring(
            "avoiding",
            every30s,
            PING,
            new Noop(2),
            JobOptions.builder().notNode("node-0").build());
    for (int tick = 1; tick <= 6; tick++) {
      clock.advance(Duration.ofSeconds(30));
      tickEverywhere();
      int expected = 2 * tick;
      await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == expected);
    }
    assertThat(ranOn.stream().filter(r -> r.startsWith("1@"))).hasSize(6).containsOnly("1@node-2");
    assertThat(ranOn.stream().filter(r -> r.startsWith("2@")))
        .hasSize(6)
        .doesNotContain("2@node-0");

    spool()
        .recurring("urgent", every30s, PING, new Noop(3), JobOptions.builder().priority(7).build());
    clock.advance(Duration.ofSeconds(30));
    tickEverywhere();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ranOn.stream().anyMatch(r -> r.startsWith("3@")));
    // Its priority is stored with the job, as an enqueue's is (the field pushReady reads).
    assertThat(spool().statuses().where(State.SUCCEEDED).queue("cron").list())
        .filteredOn(st -> "{\"n\":3}".equals(st.raw().get("a")))
        .singleElement()
        .satisfies(st -> assertThat(st.raw()).containsEntry("p", "7"));
  }

  /**
   * A tick's job carries its type's concurrency and rate limits, as an enqueued job does: a
   * recurring job of a limited type used to bypass them.
   */
  @Test
  void eachTickCarriesTheLimitsOfItsType() throws Exception {
    JobType<Noop> limited =
        JobType.of("limited-ping", Noop.class)
            .withQueue("cron")
            .withConcurrencyLimit(1)
            .withRateLimit(10, Duration.ofSeconds(1));
    spool().recurring("limited", Schedule.every(Duration.ofSeconds(30)), limited, new Noop(4));
    clock.advance(Duration.ofSeconds(30));
    tickEverywhere();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !spool().statuses().jobName("limited-ping").list().isEmpty());
    assertThat(spool().statuses().jobName("limited-ping").list())
        .singleElement()
        .satisfies(
            st ->
                assertThat(st.raw())
                    .containsEntry("lc", limited.concurrencySpec(new Noop(4)))
                    .containsEntry("lr", limited.rateSpec(new Noop(4))));
  }

  /** job_reactor: periodic jobs "run every given time period", and are cancelled on a condition. */
  @Test
  void aPeriodicJobsOwnHandlerCanCancelItOnACondition() throws Exception {
    JobType<Noop> countdown = JobType.of("countdown", Noop.class).withQueue("countdown");
    AtomicInteger ran = new AtomicInteger();
    Worker worker =
        spool()
            .worker("countdown-node")
            .handle(
                countdown,
                (job, a) -> {
                  if (ran.incrementAndGet() == 2) { // the condition: enough runs
                    spool().cancelRecurring("countdown");
                  }
                })
            .start();
    spool().recurring("countdown", Schedule.every(Duration.ofSeconds(30)), countdown, new Noop(1));
    for (int tick = 1; tick <= 2; tick++) {
      clock.advance(Duration.ofSeconds(30));
      worker.stageNow();
      int expected = tick;
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == expected);
    }
    clock.advance(Duration.ofSeconds(30));
    worker.stageNow();
    assertThat(spool().recurringJobs()).extracting(RecurringJob::name).doesNotContain("countdown");
    assertThat(spool().monitor().counts("countdown").ready()).isZero();
    assertThat(ran).hasValue(2);
  }

  @Test
  void optionsThatCannotApplyToEveryTickAreRefused() {
    Schedule every30s = Schedule.every(Duration.ofSeconds(30));
    for (JobOptions o :
        List.of(
            JobOptions.builder().delay(Duration.ofSeconds(1)).build(),
            JobOptions.builder().runAt(START.plusSeconds(60)).build())) {
      assertThatThrownBy(() -> spool().recurring("r", every30s, PING, new Noop(1), o))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no delay or runAt");
    }
    for (JobOptions o :
        List.of(
            JobOptions.builder().ttl(Duration.ofMinutes(1)).build(),
            JobOptions.builder().expiresAt(START.plusSeconds(60)).build())) {
      assertThatThrownBy(() -> spool().recurring("r", every30s, PING, new Noop(1), o))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no ttl or expiresAt");
    }
    assertThat(spool().recurringJobs()).isEmpty();
  }

  @Test
  void aTickIsAnOrdinaryJobWithAStatusAndRetries() throws Exception {
    JobType<Noop> flaky =
        JobType.of("flaky-ping", Noop.class).withQueue("cron").withRetry(Retry.none());
    spool().recurring("flaky", Schedule.every(Duration.ofSeconds(30)), flaky, new Noop(1));
    clock.advance(Duration.ofSeconds(30));
    tickEverywhere();
    // No node handles it: unknown type, no retry left, so it ends in the dead set.
    await().atMost(Duration.ofSeconds(10)).until(() -> spool().deadJobs().size("cron") == 1);
    assertThat(spool().statuses().jobName("flaky-ping").where(State.FAILED).count()).isEqualTo(1);
  }

  @Test
  void cronExpressionsAreCheckedAndDaylightSavingIsHandled() {
    assertThatThrownBy(() -> Schedule.cron("61 * * * *", ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid cron '61 * * * *': ");
    assertThatThrownBy(() -> Schedule.cron("* * *", ZoneId.of("UTC")))
        .hasMessageContaining("expected 5 fields");
    Schedule withSeconds = Schedule.cron("*/10 * * * * *", ZoneId.of("UTC"));
    assertThat(withSeconds.next(Instant.parse("2026-01-01T00:00:01Z")))
        .isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));

    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Schedule daily = Schedule.cron("30 2 * * *", berlin);
    // 2026-03-29: clocks go from 02:00 to 03:00 in Berlin; 02:30 does not exist that day.
    Instant beforeSpring = Instant.parse("2026-03-28T12:00:00Z");
    Instant spring = daily.next(beforeSpring);
    assertThat(spring).as("no run on the 29th").isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
    // 2026-10-25: clocks go from 03:00 back to 02:00; 02:30 happens twice, the job runs once.
    Instant beforeAutumn = Instant.parse("2026-10-24T12:00:00Z");
    Instant first = daily.next(beforeAutumn);
    assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    Instant second = daily.next(first);
    assertThat(second).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
    assertThat(Schedule.parse(daily.stored())).isEqualTo(daily);
  }

  @Test
  void aUniqueRecurringJobsLockKeyHoldingGarbageIsSetAsideAndTheNextTickRuns() throws Exception {
    JobType<Noop> uniquePing =
        JobType.of("unique-ping", Noop.class).withQueue("ucron").withUnique(Unique.untilExecuted());
    // Its own clock, an hour ahead of real time: the lock's expiry (PXAT) is on that clock.
    MutableClock ahead = new MutableClock(Instant.now().plus(Duration.ofHours(1)));
    Spool own = Spool.builder().redis(redis.uri()).namespace(namespace).clock(ahead).build();
    spools.add(own);
    var raw = io.lettuce.core.RedisClient.create(redis.uri()).connect().sync();
    List<String> lockKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger uniqueRuns = new AtomicInteger();
    Worker worker =
        own.worker("unique-node")
            .handle(
                uniquePing,
                (job, a) -> {
                  lockKeys.addAll(raw.keys(namespace + ":{ucron}:lock:*"));
                  uniqueRuns.incrementAndGet();
                })
            .start();
    own.recurring("unique-ping", Schedule.every(Duration.ofSeconds(30)), uniquePing, new Noop(1));
    ahead.advance(Duration.ofSeconds(30));
    worker.stageNow();
    await().atMost(Duration.ofSeconds(10)).until(() -> uniqueRuns.get() == 1);
    assertThat(lockKeys).hasSize(1);
    String lock = lockKeys.getFirst();
    await().atMost(Duration.ofSeconds(10)).until(() -> raw.exists(lock) == 0);
    raw.set(lock, "garbage"); // no job number where the lock goes

    ahead.advance(Duration.ofSeconds(30));
    worker.stageNow();

    await().atMost(Duration.ofSeconds(10)).until(() -> uniqueRuns.get() == 2);
    String digest = lock.substring(lock.lastIndexOf(':') + 1);
    assertThat(raw.get(namespace + ":{ucron}:corrupt:lock:" + digest)).isEqualTo("garbage");
    raw.getStatefulConnection().close();
  }

  @Test
  void aTickItsQueueRefusesStaysDueAndHoldsUpNeitherOtherQueuesNorItselfOnceMended() {
    CapturedErr err = new CapturedErr();
    closeLast.add(err);
    JobType<Noop> otherPing = JobType.of("other-ping", Noop.class).withQueue("other");
    // Its own clock, ahead of the three nodes' (theirs see nothing due): only this node fires.
    MutableClock ahead = new MutableClock(Instant.now().plus(Duration.ofHours(1)));
    Spool own = Spool.builder().redis(redis.uri()).namespace(namespace).clock(ahead).build();
    spools.add(own);
    var raw = io.lettuce.core.RedisClient.create(redis.uri()).connect().sync();
    AtomicInteger pings = new AtomicInteger();
    AtomicInteger otherPings = new AtomicInteger();
    Worker worker =
        own.worker("both")
            .queues("cron", "other") // "cron" is staged first
            .handle(PING, (job, a) -> pings.incrementAndGet())
            .handle(otherPing, (job, a) -> otherPings.incrementAndGet())
            .start();
    own.recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, new Noop(1));
    own.recurring("other", Schedule.every(Duration.ofSeconds(30)), otherPing, new Noop(2));
    String seq = namespace + ":{cron}:seq";
    raw.set(seq, "99999999999999"); // the last job number is given out
    Double due = raw.zscore(namespace + ":{cron}:recurring:due", "ping");

    ahead.advance(Duration.ofSeconds(30));
    worker.stageNow();

    await().atMost(Duration.ofSeconds(10)).until(() -> otherPings.get() == 1);
    assertThat(raw.zscore(namespace + ":{cron}:recurring:due", "ping"))
        .as("the refused tick is still due")
        .isEqualTo(due);
    assertThat(raw.get(seq)).isEqualTo("99999999999999");
    assertThat(pings.get() + runs.get()).isZero();

    for (int pass = 0; pass < 5; pass++) {
      worker.stageNow(); // the refused tick waits its pause: one warning, not one per pass
    }
    assertThat(err.lines("WARN", "recurring job 'ping' of queue cron could not fire")).hasSize(1);

    raw.set(seq, "41"); // mended by hand
    ahead.advance(Duration.ofSeconds(6)); // past the pause
    worker.stageNow();
    // Run by whichever node serving "cron" fetched it.
    await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() + runs.get() == 1);
    assertThat(raw.get(seq)).isEqualTo("42");
    raw.getStatefulConnection().close();
  }
}
