package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Report(String month) {}

  static final JobType<Noop> DAY =
      JobType.of("day", Noop.class).withQueue("work").withRetry(Retry.none());
  static final JobType<Report> REPORT = JobType.of("report", Report.class).withQueue("work");
  static final JobType<Report> NOTIFY = JobType.of("notify", Report.class).withQueue("work");

  Fixtures f;
  final List<String> callbacks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  Worker.Builder worker(String name, Handler<Noop> day) {
    return f.worker(name)
        .concurrency(8)
        .handle(DAY, day)
        .handle(REPORT, (job, r) -> callbacks.add("report " + r.month()))
        .handle(NOTIFY, (job, r) -> callbacks.add("notify " + r.month()));
  }

  Batch monthOf(int days, Batch.Builder builder) {
    builder.onComplete(REPORT, new Report("2026-11")).onSuccess(NOTIFY, new Report("2026-11"));
    for (int d = 0; d < days; d++) {
      builder.add(DAY, new Noop(d));
    }
    return builder.submit();
  }

  @Test
  void whenEveryPartSucceededBothCallbacksRunOnce() {
    AtomicInteger ran = new AtomicInteger();
    Batch batch = monthOf(30, f.spool.batch());
    assertThat(batch.progress()).isEqualTo(new BatchProgress(30, 30, 0, 0, false, false));
    worker("node-1", (job, d) -> ran.incrementAndGet()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 2);
    assertThat(callbacks).containsExactlyInAnyOrder("report 2026-11", "notify 2026-11");
    assertThat(ran).hasValue(30);
    assertThat(batch.progress()).isEqualTo(new BatchProgress(30, 0, 30, 0, true, false));
    assertThat(f.spool.batch(batch.id()).isFinished()).isTrue();
    assertThat(f.spool.statuses().all().batch(batch.id()).count()).isEqualTo(30);
    assertThat(f.spool.statuses().where(State.SUCCEEDED).batch(batch.token()).count())
        .isEqualTo(30);
  }

  @Test
  void theCallbacksRunWithTheRetryPolicyAndTimeoutOfTheirTypes() {
    JobType<Report> once =
        JobType.of("once", Report.class)
            .withQueue("work")
            .withRetry(Retry.none())
            .withTimeout(Duration.ofMinutes(3));
    JobType<Report> twice =
        JobType.of("twice", Report.class)
            .withQueue("work")
            .withRetry(Retry.fixed(2, Duration.ofMillis(10)));
    AtomicInteger onceRuns = new AtomicInteger();
    AtomicInteger twiceRuns = new AtomicInteger();
    f.spool
        .batch()
        .onComplete(once, new Report("a"))
        .onSuccess(twice, new Report("b"))
        .add(DAY, new Noop(1))
        .submit();

    f.worker("node-1")
        .handle(DAY, (job, d) -> {})
        .handle(
            once,
            (job, r) -> {
              onceRuns.incrementAndGet();
              throw new IllegalStateException("fails");
            })
        .handle(
            twice,
            (job, r) -> {
              twiceRuns.incrementAndGet();
              throw new IllegalStateException("fails");
            })
        .start();

    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 2);
    assertThat(onceRuns).hasValue(1); // Retry.none(), not the default's 25 attempts
    assertThat(twiceRuns).hasValue(2);
    JobStatus status = f.spool.statuses().jobName("once").list().getFirst();
    assertThat(status.raw().get("o")).contains("180000");
  }

  @Test
  void aBatchEndsAndWritesNoGarbageWhenItsQueueHasNoJobNumberLeftForTheCallbacks() {
    Batch batch = monthOf(3, f.spool.batch());
    String seq = f.namespace + ":{work}:seq";
    f.redis().set(seq, "99999999999999"); // the last job number is given out (by corruption)
    AtomicInteger ran = new AtomicInteger();
    worker("node-1", (job, d) -> ran.incrementAndGet()).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    assertThat(ran).hasValue(3);
    assertThat(batch.progress()).isEqualTo(new BatchProgress(3, 0, 3, 0, true, false));
    // No callback can be numbered: none is made, rather than one under a number like 1e+14.
    assertThat(f.redis().get(seq)).isEqualTo("99999999999999");
    assertThat(f.redis().keys(f.namespace + ":{work}:job:*e*")).isEmpty();
    assertThat(f.redis().lrange(f.namespace + ":{work}:ready", 0, -1)).isEmpty();
    assertThat(callbacks).isEmpty();
  }

  /** distributed_job's part that fails and is run again: only its final end counts, once. */
  @Test
  void aPartThatFailsAndSucceedsOnItsRetryCountsOnceAsSucceeded() {
    JobType<Noop> retriedDay = DAY.withRetry(Retry.fixed(3, Duration.ofMillis(10)));
    Batch.Builder builder =
        f.spool
            .batch()
            .onComplete(REPORT, new Report("2026-11"))
            .onSuccess(NOTIFY, new Report("2026-11"));
    for (int d = 0; d < 10; d++) {
      builder.add(retriedDay, new Noop(d));
    }
    Batch batch = builder.submit();
    AtomicInteger runs = new AtomicInteger();
    worker(
            "node-1",
            (job, d) -> {
              runs.incrementAndGet();
              if (job.attempt() < 2 && d.n() % 2 == 0) {
                throw new IllegalStateException("day " + d.n() + " fails its first two attempts");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 2);
    assertThat(callbacks).containsExactlyInAnyOrder("report 2026-11", "notify 2026-11");
    assertThat(runs).hasValue(20); // 5 parts once, 5 parts three times
    assertThat(batch.progress()).isEqualTo(new BatchProgress(10, 0, 10, 0, true, false));
  }

  @Test
  void aDeadPartIsRecordedTheBatchKeepsGoingAndOnlyOnCompleteRuns() {
    Batch batch = monthOf(10, f.spool.batch());
    worker(
            "node-1",
            (job, d) -> {
              if (d.n() == 3) {
                throw new IllegalStateException("day 3 is broken");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
    assertThat(callbacks).containsExactly("report 2026-11");
    assertThat(batch.progress()).isEqualTo(new BatchProgress(10, 0, 9, 1, true, false));
  }

  @Test
  void partsCancelledKilledOrDeletedBeforeTheyRunCountAsFailed() {
    JobType<Noop> retried =
        JobType.of("retried", Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(3, Duration.ofHours(1)));
    JobOptions later = JobOptions.builder().delay(Duration.ofHours(1)).build();
    Batch batch =
        f.spool
            .batch()
            .onComplete(REPORT, new Report("2026-11"))
            .onSuccess(NOTIFY, new Report("2026-11"))
            .add(DAY, new Noop(0), later)
            .add(DAY, new Noop(1), later)
            .add(DAY, new Noop(2), later)
            .add(DAY, new Noop(3))
            .add(retried, new Noop(4))
            .submit();
    List<JobId> parts =
        f.spool.statuses().all().batch(batch.id()).list().stream()
            .map(JobStatus::id)
            .sorted(java.util.Comparator.comparingLong(JobId::number))
            .toList();
    assertThat(parts).hasSize(5);
    assertThat(f.spool.cancel(parts.get(0))).isTrue();
    f.spool.statuses().find(parts.get(1)).orElseThrow().requestKill();
    f.spool.statuses().find(parts.get(2)).orElseThrow().forceDelete();
    worker("node-1", (job, d) -> {})
        .handle(
            retried,
            (job, d) -> {
              throw new IllegalStateException("retried later");
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().findOrUnknown(parts.get(4)).state() == State.SCHEDULED);
    // Killed while it waits for its retry: before, the batch waited for it for good.
    f.spool.statuses().find(parts.get(4)).orElseThrow().requestKill();

    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
    assertThat(callbacks).containsExactly("report 2026-11");
    assertThat(batch.progress()).isEqualTo(new BatchProgress(5, 0, 1, 4, true, false));
  }

  @Test
  void aPartRejectedByItsUniqueLockAtEnqueueCountsAsFailed() {
    JobType<Noop> once =
        JobType.of("once", Noop.class).withQueue("work").withUnique(Unique.untilExecuted());
    Batch batch =
        f.spool
            .batch()
            .onComplete(REPORT, new Report("2026-11"))
            .onSuccess(NOTIFY, new Report("2026-11"))
            .add(once, new Noop(7))
            .add(once, new Noop(7)) // the same arguments: the first part holds the lock
            .add(DAY, new Noop(1))
            .submit();
    worker("node-1", (job, d) -> {}).handle(once, (job, d) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
    assertThat(callbacks).containsExactly("report 2026-11");
    assertThat(batch.progress()).isEqualTo(new BatchProgress(3, 0, 2, 1, true, false));

    // RAISE: submit says so, and the batch is recorded and ends all the same.
    JobType<Noop> raising =
        JobType.of("raising", Noop.class)
            .withQueue("work")
            .withUnique(Unique.untilExecuted().onConflict(OnConflict.RAISE));
    JobId holder =
        f.spool.enqueue(
            raising, new Noop(9), JobOptions.builder().delay(Duration.ofHours(1)).build());
    assertThatThrownBy(
            () ->
                f.spool
                    .batch()
                    .onComplete(REPORT, new Report("2026-12"))
                    .add(raising, new Noop(9))
                    .add(DAY, new Noop(2))
                    .submit())
        .isInstanceOf(UniqueJobConflictException.class)
        .hasMessageContaining(holder.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.contains("report 2026-12"));
  }

  @Test
  void aPartRejectedByItsUniqueLockAtStartCountsAsFailed() {
    JobType<Noop> alone =
        JobType.of("alone", Noop.class).withQueue("work").withUnique(Unique.whileExecuting());
    Batch batch =
        f.spool
            .batch()
            .onComplete(REPORT, new Report("2026-11"))
            .add(alone, new Noop(7))
            .add(alone, new Noop(7))
            .submit();
    // The first holds the lock until the second was rejected (bounded: a failure ends).
    worker("node-1", (job, d) -> {})
        .handle(
            alone,
            (job, d) ->
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(
                        () ->
                            f.spool.statuses().where(State.KILLED).batch(batch.id()).count() == 1))
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
    assertThat(batch.progress()).isEqualTo(new BatchProgress(2, 0, 1, 1, true, false));
    assertThat(f.spool.statuses().where(State.KILLED).batch(batch.id()).count()).isEqualTo(1);
  }

  @Test
  void stopOnFailureKillsThePartsThatHaveNotStarted() {
    Batch batch = monthOf(20, f.spool.batch().stopOnFailure());
    List<Integer> ran = new CopyOnWriteArrayList<>();
    worker(
            "node-1",
            (job, d) -> {
              ran.add(d.n());
              if (d.n() == 0) {
                throw new IllegalStateException("first day broken");
              }
            })
        .concurrency(1)
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.size() == 1);
    assertThat(callbacks).containsExactly("report 2026-11");
    BatchProgress p = batch.progress();
    assertThat(p.stopped()).isTrue();
    assertThat(p.failed()).isEqualTo(20);
    assertThat(ran).containsExactly(0);
    assertThat(f.spool.statuses().where(State.KILLED).batch(batch.id()).count()).isEqualTo(19);
  }

  @Test
  void aPartMayOpenAChildBatchAndIsDoneWhenTheChildFinishes() {
    JobType<Noop> split = JobType.of("split", Noop.class).withQueue("work");
    List<String> order = new CopyOnWriteArrayList<>();
    Batch parent =
        f.spool.batch().onComplete(REPORT, new Report("parent")).add(split, new Noop(1)).submit();
    f.worker("node-1")
        .concurrency(4)
        .handle(
            split,
            (job, a) -> {
              Batch.Builder child =
                  f.spool.batch().childOf(job).onComplete(REPORT, new Report("child"));
              for (int i = 0; i < 5; i++) {
                child.add(DAY, new Noop(i));
              }
              child.submit();
            })
        .handle(
            DAY,
            (job, d) -> {
              Thread.sleep(20);
              order.add("day");
            })
        .handle(REPORT, (job, r) -> order.add("report " + r.month()))
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> order.contains("report parent"));
    assertThat(order.subList(0, 5)).containsOnly("day");
    assertThat(order.indexOf("report parent")).isGreaterThan(order.lastIndexOf("day"));
    assertThat(order).containsOnlyOnce("report child", "report parent");
    assertThat(parent.progress().succeeded()).isEqualTo(1);
  }

  /**
   * A child batch with no callbacks lives in the queue of the job that opened it, as documented: it
   * lived in its parent batch's queue, which may be one no worker serves (a parent with no
   * callbacks lives in "default"), and the job that reports the child's end to the parent waited
   * there for good.
   */
  @Test
  void aChildBatchWithNoCallbacksEndsItsPartWhereNoWorkerServesTheParentsQueue() {
    JobType<Noop> split = JobType.of("split", Noop.class).withQueue("work");
    Batch parent = f.spool.batch().add(split, new Noop(1)).submit();
    assertThat(parent.queue()).isEqualTo("default");
    List<String> children = new CopyOnWriteArrayList<>();
    f.worker("node-1")
        .concurrency(4)
        .handle(
            split,
            (job, a) -> {
              Batch.Builder child = f.spool.batch().childOf(job);
              for (int i = 0; i < 3; i++) {
                child.add(DAY, new Noop(i));
              }
              children.add(child.submit().queue());
            })
        .handle(DAY, (job, d) -> {})
        .start(); // serves "work" only

    await().atMost(Duration.ofSeconds(10)).until(() -> parent.progress().finished());
    assertThat(children).containsExactly("work");
    assertThat(parent.progress().succeeded()).isEqualTo(1);
  }

  @Test
  void aTtlUnderASecondIsRefusedAsItWouldDeleteTheBatchAsItOpens() {
    assertThatThrownBy(() -> f.spool.batch().ttl(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 second");
    assertThat(f.spool.batch().ttl(Duration.ofSeconds(1))).isNotNull();
  }

  /** A TTL of decades, which the builder accepts, is kept when parts end (not cut to 7 days). */
  @Test
  void aLongTtlIsKeptWhenPartsEnd() {
    Batch batch =
        f.spool
            .batch()
            .ttl(Duration.ofDays(7_300))
            .add(DAY, new Noop(1))
            .add(DAY, new Noop(2))
            .submit();
    worker("node-1", (job, d) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> batch.progress().finished());
    String state = f.namespace + ":{" + batch.queue() + "}:batch:" + batch.token() + ":state";
    assertThat(f.redis().ttl(state)).isGreaterThan(Duration.ofDays(7_000).toSeconds());
  }

  /** A stop of a batch that expired (or never was) writes no key that would never expire. */
  @Test
  void stoppingAnUnknownBatchWritesNothing() {
    Batch gone = f.spool.batch("work:bnosuchbatch");
    assertThat(gone.stop()).isFalse();
    assertThat(f.redis().exists(f.namespace + ":{work}:batch:bnosuchbatch:state")).isZero();

    Batch live = f.spool.batch().add(DAY, new Noop(1)).submit();
    String state = f.namespace + ":{" + live.queue() + "}:batch:" + live.token() + ":state";
    long ttl = f.redis().ttl(state);
    assertThat(live.stop()).isTrue();
    assertThat(live.isStopped()).isTrue();
    assertThat(f.redis().ttl(state)).isPositive().isLessThanOrEqualTo(ttl);
  }

  @Test
  void childOfNeedsABatchPart() {
    JobType<Noop> lone = JobType.of("lone", Noop.class).withQueue("work");
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    f.spool.enqueue(lone, new Noop(1));
    f.worker("node-1")
        .handle(
            lone,
            (job, a) -> {
              try {
                f.spool.batch().childOf(job);
              } catch (IllegalArgumentException e) {
                errors.add(e);
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> errors.size() == 1);
    assertThat(errors.getFirst()).hasMessageContaining("is not a part of a batch");
    assertThatThrownBy(() -> f.spool.batch().submit()).hasMessageContaining("at least one part");
  }

  @Test
  void tenThousandPartsOverThreeNodesCompleteExactlyOnce() {
    Batch batch = monthOf(10_000, f.spool.batch());
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    for (String node : List.of("n1", "n2", "n3")) {
      worker(
              node,
              (job, d) -> runs.computeIfAbsent(d.n(), k -> new AtomicInteger()).incrementAndGet())
          .concurrency(16)
          .start();
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> batch.progress().finished() && callbacks.size() == 2);
    // No third callback may show up afterwards.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> callbacks.size() == 2);
    assertThat(callbacks).containsExactlyInAnyOrder("report 2026-11", "notify 2026-11");
    assertThat(runs).hasSize(10_000);
    assertThat(batch.progress()).isEqualTo(new BatchProgress(10_000, 0, 10_000, 0, true, false));
  }

  @Test
  void aPartThatDiesWithItsNodeAndHasNoAttemptLeftCountsAsFailed() throws Exception {
    Batch batch = monthOf(6, f.spool.batch());
    CountDownLatch held = new CountDownLatch(1);
    Worker doomed =
        worker(
                "doomed",
                (job, d) -> {
                  held.countDown();
                  Fixtures.untilInterrupted();
                })
            .concurrency(1)
            .start();
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    doomed.halt();
    worker("survivor", (job, d) -> {}).start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> batch.progress().finished() && callbacks.size() == 1);
    assertThat(callbacks).containsExactly("report 2026-11");
    assertThat(batch.progress()).isEqualTo(new BatchProgress(6, 0, 5, 1, true, false));
  }

  @Test
  void aNodeKilledMidBatchLeavesTheBatchToCompleteExactlyOnce() throws Exception {
    // Parts with attempts to spare: the held ones run again after their lease expires.
    JobType<Noop> sturdyDay = DAY.withRetry(Retry.fixed(3, Duration.ofMillis(10)));
    Batch.Builder builder =
        f.spool
            .batch()
            .onComplete(REPORT, new Report("2026-11"))
            .onSuccess(NOTIFY, new Report("2026-11"));
    for (int d = 0; d < 40; d++) {
      builder.add(sturdyDay, new Noop(d));
    }
    Batch batch = builder.submit();
    CountDownLatch held = new CountDownLatch(4);
    Worker doomed =
        worker(
                "doomed",
                (job, d) -> {
                  held.countDown();
                  Fixtures.untilInterrupted();
                })
            .concurrency(4)
            .start();
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    doomed.halt();
    worker("survivor", (job, d) -> {}).start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> batch.progress().finished() && callbacks.size() == 2);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> callbacks.size() == 2);
    assertThat(callbacks).containsExactlyInAnyOrder("report 2026-11", "notify 2026-11");
    assertThat(batch.progress().succeeded()).isEqualTo(40);
  }

  /**
   * A batch queue's job sequence of another type (written behind Spool's back): a part's end that
   * finishes the batch must create the callbacks, which need numbers. Counting the end first and
   * failing on the callbacks left the end counted and the callbacks never made; the end was then
   * refused until someone mended the sequence by hand. The sequence is set aside and numbering goes
   * on after the stored jobs: the batch finishes and its callback comes at once.
   */
  @Test
  void aSequenceOfAnotherTypeIsSetAsideAndTheCallbackComes() {
    corruptSequenceIsMendedAndNoCallbackIsLost((r, seq) -> r.rpush(seq, r.getdel(seq)));
  }

  /** A number INCR does not read as one ("007"): the callbacks had no number, and were lost. */
  @Test
  void aSequenceINCRRefusesIsSetAsideAndTheCallbackComes() {
    corruptSequenceIsMendedAndNoCallbackIsLost((r, seq) -> r.set(seq, "00" + r.get(seq)));
  }

  private void corruptSequenceIsMendedAndNoCallbackIsLost(
      java.util.function.BiConsumer<io.lettuce.core.api.sync.RedisCommands<String, String>, String>
          corrupt) {
    JobType<Noop> sturdyDay = JobType.of("sturdy-day", Noop.class).withQueue("work");
    var builder = f.spool.batch().onComplete(REPORT, new Report("2026-11"));
    for (int d = 0; d < 3; d++) {
      builder.add(sturdyDay, new Noop(d));
    }
    Batch batch = builder.submit();
    var r = f.redis();
    String seq = f.namespace + ":{work}:seq";
    long number = Long.parseLong(r.get(seq));
    corrupt.accept(r, seq);
    AtomicInteger runs = new AtomicInteger();
    f.worker("node-1")
        .handle(sturdyDay, (job, d) -> runs.incrementAndGet())
        .handle(REPORT, (job, rep) -> callbacks.add("report " + rep.month()))
        .start();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> batch.progress().finished() && callbacks.size() == 1);
    assertThat(callbacks).containsExactly("report 2026-11");
    assertThat(runs.get()).isEqualTo(3);
    assertThat(r.exists(f.namespace + ":{work}:corrupt:seq")).isEqualTo(1L);
    assertThat(Long.parseLong(r.get(seq))).isGreaterThan(number);
  }
}
