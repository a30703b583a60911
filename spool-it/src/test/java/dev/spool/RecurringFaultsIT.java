package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Recurring jobs whose keys were written behind Spool's back: a definition that is missing or does
 * not parse, a last-run key of another type. Each harms its own schedule at most, never the queue's
 * other schedules or the stager.
 */
class RecurringFaultsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> PING = JobType.of("ping", Noop.class).withQueue("cron");
  static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
  static final Duration EVERY = Duration.ofSeconds(30);

  final String namespace = SpoolRedis.namespace();
  final List<AutoCloseable> open = new ArrayList<>();
  RedisCommands<String, String> raw;
  RedisClient client;
  CapturedErr err;

  @BeforeEach
  void setUp() {
    err = new CapturedErr();
    client = RedisClient.create(redis.uri());
    raw = client.connect().sync();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    client.shutdown();
    err.close();
  }

  String key(String rest) {
    return namespace + ":{cron}:" + rest;
  }

  Spool spool(MutableClock clock) {
    Spool spool = Spool.builder().redis(redis.uri()).namespace(namespace).clock(clock).build();
    open.add(spool);
    return spool;
  }

  /** Jobs the queue has given numbers to: here, the ticks that fired. */
  long jobsEnqueued() {
    String seq = raw.get(key("seq"));
    return seq == null ? 0 : Long.parseLong(seq);
  }

  /**
   * The queue's due set written over with a string: every pass failed on WRONGTYPE (a warning every
   * 5 s), no schedule of the queue fired, and `recurring list` showed none of them; once the key
   * was deleted they stayed invisible and never fired until defined again. It is set aside and each
   * definition gets its next run again.
   */
  @Test
  void aDueSetOfAnotherTypeIsSetAsideAndEveryScheduleFiresAgain() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    spool.recurring("a", Schedule.every(EVERY), PING, new Noop(1));
    spool.recurring("b", Schedule.every(EVERY), PING, new Noop(2));
    clock.advance(EVERY);
    w.stageNow();
    assertThat(jobsEnqueued()).isEqualTo(2);

    raw.del(key("recurring:due"));
    raw.set(key("recurring:due"), "garbage");
    clock.advance(EVERY);
    w.stageNow(); // sets it aside and gives both their next run
    clock.advance(EVERY);
    w.stageNow();

    assertThat(jobsEnqueued()).as("both fire again").isEqualTo(4);
    assertThat(raw.get(key("corrupt:recurring:due"))).isEqualTo("garbage");
    assertThat(spool.recurringJobs()).extracting(RecurringJob::name).containsExactly("a", "b");
    assertThat(err.lines("WARN", "staging queue cron failed")).isEmpty();
  }

  /** The due set deleted by hand: each definition gets its next run at the next check. */
  @Test
  void aDeletedDueSetIsRestoredFromTheDefinitions() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    spool.recurring("a", Schedule.every(EVERY), PING, new Noop(1));
    clock.advance(EVERY);
    w.stageNow();
    assertThat(jobsEnqueued()).isEqualTo(1);

    raw.del(key("recurring:due"));
    clock.advance(EVERY); // a check is due: one per 30 s a queue and node
    w.stageNow();
    clock.advance(EVERY);
    w.stageNow();

    assertThat(jobsEnqueued()).isEqualTo(2);
    assertThat(spool.recurringJobs()).extracting(RecurringJob::name).containsExactly("a");
  }

  @Test
  void aHundredMalformedDefinitionsHoldUpNoOtherScheduleAndAreLoggedOnce() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    // Named to sort first among the due ticks, and more than one page of them.
    for (int i = 0; i < 100; i++) {
      String name = String.format("a-bad-%03d", i);
      spool.recurring(name, Schedule.every(EVERY), PING, new Noop(i));
      raw.hset(key("recurring"), name, "{not json");
    }
    spool.recurring("z-good", Schedule.every(EVERY), PING, new Noop(-1));

    for (int tick = 1; tick <= 5; tick++) {
      clock.advance(EVERY);
      w.stageNow();
      assertThat(jobsEnqueued())
          .as("jobs after tick %d: the healthy schedule's alone", tick)
          .isEqualTo(tick);
    }

    assertThat(err.lines("WARN", "recurring job 'a-bad-000' of queue cron has a malformed"))
        .as("one warning, although the tick came back twice")
        .hasSize(1);
    RecurringJob bad =
        spool.recurringJobs().stream().filter(r -> r.name().equals("a-bad-000")).findFirst().get();
    assertThat(bad.schedule()).startsWith("malformed definition: ");
    assertThat(bad.nextRun()).as("tried again a minute later").isAfter(clock.instant());
  }

  @Test
  void aBadCronSavedBehindSpoolsBackHoldsUpNoOtherScheduleAndCanBeDefinedAgain() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    spool.recurring("a-bad", Schedule.every(EVERY), PING, new Noop(1));
    spool.recurring("z-good", Schedule.every(EVERY), PING, new Noop(2));
    String stored = raw.hget(key("recurring"), "a-bad");
    raw.hset(key("recurring"), "a-bad", stored.replace("every:PT30S", "cron:UTC:61 * * * *"));

    for (int tick = 1; tick <= 3; tick++) {
      clock.advance(EVERY);
      w.stageNow();
    }
    assertThat(jobsEnqueued()).as("z-good's three ticks").isEqualTo(3);
    assertThat(spool.recurringJobs())
        .filteredOn(r -> r.name().equals("a-bad"))
        .singleElement()
        .satisfies(r -> assertThat(r.schedule()).startsWith("malformed definition: "));

    // Defined again, it fires on its new schedule at once: no wait for the pause.
    spool.recurring("a-bad", Schedule.every(EVERY), PING, new Noop(1));
    clock.advance(EVERY);
    w.stageNow();
    assertThat(jobsEnqueued()).as("both fired on the fourth tick").isEqualTo(5);
  }

  @Test
  void anIdleNodeDoesNotSpinOnAMalformedDefinitionOrADueEntryWithNoDefinition() {
    Spool spool = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    open.add(spool);
    spool.recurring("bad", Schedule.every(Duration.ofSeconds(1)), PING, new Noop(1));
    raw.hset(key("recurring"), "bad", "{not json");
    raw.zadd(key("recurring:due"), 1.0, "orphan"); // a next run with no definition
    spool.worker("node-1").handle(PING, (job, a) -> {}).start();

    long inAMinute = System.currentTimeMillis() + 50_000;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Double bad = raw.zscore(key("recurring:due"), "bad");
              return raw.zscore(key("recurring:due"), "orphan") == null
                  && bad != null
                  && bad > inAMinute;
            });
    long before = calls("zrangebyscore");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> calls("zrangebyscore") - before < 10);
    assertThat(err.lines("WARN", "recurring job 'bad' of queue cron")).hasSize(1);
  }

  @Test
  void aNextRunWrittenByHandWithAFractionStillFires() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    spool.recurring("ping", Schedule.every(EVERY), PING, new Noop(1));
    raw.zadd(key("recurring:due"), START.toEpochMilli() + 0.5, "ping");

    clock.advance(EVERY);
    w.stageNow();

    assertThat(jobsEnqueued()).isEqualTo(1);
    assertThat(raw.zscore(key("recurring:due"), "ping")).isGreaterThan((double) clock.millis());
  }

  @Test
  void aLastRunKeyOfAnotherTypeIsSetAsideAndEveryTickFires() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    spool.recurring("ping", Schedule.every(EVERY), PING, new Noop(1));
    raw.set(key("recurring:last"), "garbage");

    for (int tick = 1; tick <= 3; tick++) {
      clock.advance(EVERY);
      w.stageNow();
    }

    assertThat(jobsEnqueued()).as("one job per tick").isEqualTo(3);
    assertThat(raw.get(key("corrupt:recurring:last"))).isEqualTo("garbage");
    assertThat(raw.hget(key("recurring:last"), "ping")).isEqualTo(Long.toString(clock.millis()));
  }

  /**
   * A stageNow that meets the stager's own pass (woken by a due time published at that moment)
   * waits for it and then makes its own: it returns with every tick due by its clock fired. (It
   * used to leave a tick the other pass was firing to that pass, at the clock that pass read, and
   * return before it fired.)
   */
  @Test
  void aStageNowMeetingTheStagersOwnPassReturnsWithTheTickFired() {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    Worker w = spool.worker("node-1").handle(PING, (job, a) -> {}).start();
    spool.recurring("ping", Schedule.every(EVERY), PING, new Noop(1));

    for (int tick = 1; tick <= 150; tick++) {
      clock.advance(EVERY);
      raw.publish(key("due"), "0"); // wakes the stager's loop: a pass of its own, now
      w.stageNow();
      assertThat(jobsEnqueued()).as("ticks fired when stageNow %d returned", tick).isEqualTo(tick);
    }
  }

  @Test
  void aCancelMeetingALastRunKeyOfAnotherTypeStillCancels() {
    Spool spool = spool(new MutableClock(START));
    spool.recurring("ping", Schedule.every(EVERY), PING, new Noop(1));
    raw.set(key("recurring:last"), "garbage");

    assertThat(spool.cancelRecurring("ping")).isTrue();

    assertThat(spool.recurringJobs()).isEmpty();
    assertThat(raw.zscore(key("recurring:due"), "ping")).isNull();
    assertThat(raw.get(key("corrupt:recurring:last"))).isEqualTo("garbage");
  }

  /** How many times Redis ran a command since it started. */
  private long calls(String command) {
    for (String line : raw.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        String c = line.substring(line.indexOf("calls=") + 6);
        return Long.parseLong(c.substring(0, c.indexOf(',')));
      }
    }
    return 0;
  }

  /**
   * Two nodes' passes over the same due ticks at once: a tick the other node fired between this
   * pass's read of a page and its own try left the due range, and must not be counted as one left
   * in it (the next page would start past a tick still due, which then waited for the 5 s retry).
   * Once both passes are over, no tick is still due.
   */
  @Test
  void twoNodesFiringTheSameDueTicksAtOnceLeaveNoneDue() throws Exception {
    MutableClock clock = new MutableClock(START);
    Spool spool = spool(clock);
    for (int i = 0; i < 600; i++) {
      spool.recurring("tick-%03d".formatted(i), Schedule.every(EVERY), PING, new Noop(i));
    }
    clock.advance(EVERY.multipliedBy(2)); // every tick due
    long now = dev.spool.internal.Micros.now(clock);
    for (int round = 0; round < 5; round++) {
      long at = now;
      List<java.util.concurrent.Callable<Long>> passes = new ArrayList<>();
      for (int node = 0; node < 2; node++) {
        var connection =
            dev.spool.internal.redis.RedisConnection.open(redis.uri(), Duration.ofSeconds(10));
        open.add(connection);
        var store =
            new dev.spool.internal.schedule.RecurringStore(
                connection, new dev.spool.internal.redis.Keys(namespace));
        passes.add(() -> store.fireDue("cron", at));
      }
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
        for (var pass : pool.invokeAll(passes)) {
          pass.get();
        }
      }
      assertThat(raw.zcount(key("recurring:due"), io.lettuce.core.Range.create(0, now / 1000)))
          .as("ticks still due after round %d", round)
          .isZero();
      now += EVERY.toNanos() / 1000; // the next run of every tick: all due again
    }
  }
}
