package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Greeting;
import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Released;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lock table of the unique-jobs specification, row by row, plus ownership, TTL and races. */
class UniqueJobsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  static JobType<Noop> type(String name, Unique<? super Noop> unique) {
    return JobType.of(name, Noop.class).withQueue("work").withUnique(unique);
  }

  String state(JobId id) {
    return f.redis().hget(f.jobKey(id), "s");
  }

  /** A worker whose handler blocks until released, to hold a job in the running state. */
  final class Gate {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Handler<Noop> handler(List<Integer> ran) {
      return (job, a) -> {
        ran.add(a.n());
        started.countDown();
        release.await();
      };
    }
  }

  @Nested
  class DefiningAType {
    @Test
    void invalidLockAndConflictPairsAreRefusedNamingTheValidOnes() {
      assertThatThrownBy(() -> Unique.untilExecuting().onConflict(OnConflict.RESCHEDULE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("on conflict RESCHEDULE does not go with lock UNTIL_EXECUTING")
          .hasMessageContaining("WHILE_EXECUTING with REJECT, RESCHEDULE or RAISE");
      assertThatThrownBy(() -> Unique.untilExecuted().onConflict(OnConflict.RESCHEDULE))
          .hasMessageContaining("does not go with lock UNTIL_EXECUTED");
    }

    @Test
    void everyValidPairIsAccepted() {
      for (Unique.Lock lock : Unique.Lock.values()) {
        for (OnConflict c : lock.allowed()) {
          Unique<Object> u =
              switch (lock) {
                case UNTIL_EXECUTING -> Unique.untilExecuting();
                case WHILE_EXECUTING -> Unique.whileExecuting();
                case UNTIL_EXECUTED -> Unique.untilExecuted();
              };
          assertThat(u.onConflict(c).conflict()).isEqualTo(c);
        }
      }
    }

    @Test
    void rejectIsTheDefault() {
      assertThat(Unique.untilExecuted().conflict()).isEqualTo(OnConflict.REJECT);
    }
  }

  @Nested
  class UntilExecuting {
    final JobType<Noop> type = type("until-executing", Unique.untilExecuting());

    @Test
    void aDuplicateIsRejectedWhileTheFirstWaitsAndAcceptedOnceItStarted() throws Exception {
      EnqueueResult first = f.spool.tryEnqueue(type, new Noop(1));
      EnqueueResult second = f.spool.tryEnqueue(type, new Noop(1));
      assertThat(first.accepted()).isTrue();
      assertThat(second.accepted()).isFalse();
      assertThat(second.holder()).contains(first.jobId());
      assertThat(f.spool.enqueue(type, new Noop(1)))
          .as("enqueue returns the holder")
          .isEqualTo(first.jobId());
      assertThat(f.spool.tryEnqueue(type, new Noop(2)).accepted()).as("other args").isTrue();

      Gate gate = new Gate();
      List<Integer> ran = new CopyOnWriteArrayList<>();
      f.worker("node-1").concurrency(1).handle(type, gate.handler(ran)).start();
      assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).as("first has started").isTrue();
      gate.release.countDown();
    }

    @Test
    void raiseThrowsNamingTheHolder() {
      JobType<Noop> raising = type("raising", Unique.untilExecuting().onConflict(OnConflict.RAISE));
      JobId first = f.spool.enqueue(raising, new Noop(1));
      assertThatThrownBy(() -> f.spool.enqueue(raising, new Noop(1)))
          .isInstanceOf(UniqueJobConflictException.class)
          .hasMessage("job type 'raising' is unique and job " + first + " holds its lock")
          .extracting(e -> ((UniqueJobConflictException) e).holder())
          .isEqualTo(first);
      assertThat(f.spool.tryEnqueue(raising, new Noop(1)).accepted())
          .as("tryEnqueue never throws")
          .isFalse();
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    }
  }

  @Nested
  class UntilExecuted {
    final JobType<Noop> type =
        type("until-executed", Unique.untilExecuted())
            .withRetry(Retry.fixed(2, Duration.ofMillis(300)));

    @Test
    void aDuplicateIsRejectedWhileQueuedAndRunningAndAcceptedAfterSuccess() throws Exception {
      JobId first = f.spool.enqueue(type, new Noop(1));
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).holder()).contains(first);

      Gate gate = new Gate();
      List<Integer> ran = new CopyOnWriteArrayList<>();
      f.worker("node-1").concurrency(1).handle(type, gate.handler(ran)).start();
      assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).holder()).as("running").contains(first);

      gate.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(state(first)));
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).as("after success").isTrue();
    }

    @Test
    void aRetryKeepsTheLockAndDeathReleasesIt() {
      AtomicInteger attempts = new AtomicInteger();
      JobId first = f.spool.enqueue(type, new Noop(1));
      f.worker("node-1")
          .handle(
              type,
              (job, a) -> {
                attempts.incrementAndGet();
                throw new IllegalStateException("fails");
              })
          .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> "scheduled".equals(state(first)));
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).holder())
          .as("waiting to retry")
          .contains(first);

      await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(state(first)));
      assertThat(attempts).hasValue(2);
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).as("after death").isTrue();
    }

    @Test
    void aDeadJobRetriedTakesItsLockAgainAndStaysDeadWhileADuplicateHoldsIt() throws Exception {
      JobType<Noop> once = type("once", Unique.untilExecuted()).withRetry(Retry.none());
      JobId dead = f.spool.enqueue(once, new Noop(1));
      JobId other = f.spool.enqueue(once, new Noop(2));
      Gate gate = new Gate();
      List<Integer> ran = new CopyOnWriteArrayList<>();
      f.worker("node-1")
          .concurrency(1)
          .handle(
              once,
              (job, a) -> {
                if (job.attempt() == 0) {
                  throw new IllegalStateException("dies");
                }
                if (a.n() == 1) {
                  gate.handler(ran).handle(job, a);
                }
              })
          .start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "failed".equals(state(dead)) && "failed".equals(state(other)));

      // A duplicate took the lock meanwhile: retrying would run the two side by side.
      JobId duplicate =
          f.spool.enqueue(
              once, new Noop(1), JobOptions.builder().delay(Duration.ofHours(1)).build());
      assertThatThrownBy(() -> f.spool.deadJobs().retry(dead))
          .isInstanceOf(UniqueJobConflictException.class)
          .hasMessageContaining(dead + " stays dead")
          .hasMessageContaining("job " + duplicate + " holds its lock");
      assertThat(state(dead)).isEqualTo("failed");
      assertThat(f.spool.deadJobs().retryAll("work")).as("only the other").isEqualTo(1);
      assertThat(f.spool.deadJobs().size("work")).isEqualTo(1);

      assertThat(f.spool.cancel(duplicate)).isTrue();
      assertThat(f.spool.deadJobs().retry(dead)).isTrue();
      assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.spool.tryEnqueue(once, new Noop(1)).holder()).as("retried").contains(dead);
      gate.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(state(dead)));
      assertThat(f.spool.tryEnqueue(once, new Noop(1)).accepted()).isTrue();
    }

    /** Cloudtasker's until_executed lock ends when the job ends, however it ends. */
    @Test
    void aJobKilledDestroyedOrDeletedGivesItsLockBack() throws Exception {
      JobOptions later = JobOptions.builder().delay(Duration.ofHours(1)).build();
      Statuses statuses = f.spool.statuses();

      JobId waiting = f.spool.enqueue(type, new Noop(1), later);
      statuses.find(waiting).orElseThrow().requestKill();
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).as("killed waiting").isTrue();

      f.spool.enqueue(type, new Noop(2), later);
      statuses.where(State.SCHEDULED).requestKillAll();
      assertThat(f.spool.tryEnqueue(type, new Noop(2)).accepted()).as("killed in bulk").isTrue();

      JobId destroyed = f.spool.enqueue(type, new Noop(3), later);
      assertThat(f.spool.monitor().destroy(destroyed)).isTrue();
      assertThat(f.spool.tryEnqueue(type, new Noop(3)).accepted()).as("destroyed").isTrue();

      JobId deleted = f.spool.enqueue(type, new Noop(4), later);
      statuses.find(deleted).orElseThrow().forceDelete();
      assertThat(f.spool.tryEnqueue(type, new Noop(4)).accepted()).as("deleted").isTrue();

      Gate gate = new Gate();
      f.worker("node-1").handle(type, gate.handler(new CopyOnWriteArrayList<>())).start();
      JobId running = f.spool.enqueue(type, new Noop(5));
      assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
      statuses.find(running).orElseThrow().requestKill();
      await().atMost(Duration.ofSeconds(10)).until(() -> "killed".equals(state(running)));
      assertThat(f.spool.tryEnqueue(type, new Noop(5), later).accepted())
          .as("killed running")
          .isTrue();
    }

    @Test
    void cancellingReleasesTheLock() {
      JobId first =
          f.spool.enqueue(
              type, new Noop(1), JobOptions.builder().delay(Duration.ofHours(1)).build());
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).isFalse();
      assertThat(f.spool.cancel(first)).isTrue();
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).isTrue();
    }

    @Test
    void aHundredThreadsEnqueueingTheSameJobGetExactlyOneAccepted() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(100);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<EnqueueResult>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return f.spool.tryEnqueue(type, new Noop(42));
                }));
      }
      go.countDown();
      List<EnqueueResult> done = new ArrayList<>();
      for (Future<EnqueueResult> r : results) {
        done.add(r.get(30, TimeUnit.SECONDS));
      }
      pool.shutdown();
      List<EnqueueResult> accepted = done.stream().filter(EnqueueResult::accepted).toList();
      assertThat(accepted).hasSize(1);
      assertThat(done)
          .allSatisfy(r -> assertThat(r.jobId()).isEqualTo(accepted.getFirst().jobId()));
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    }
  }

  @Nested
  class WhileExecuting {
    @Test
    void rejectKillsTheSecondJobAtStartWithAReason() throws Exception {
      JobType<Noop> type = type("while-reject", Unique.whileExecuting());
      JobId first = f.spool.enqueue(type, new Noop(1));
      JobId second = f.spool.enqueue(type, new Noop(1));
      assertThat(second).as("both are queued: the lock is taken at start").isNotEqualTo(first);

      Gate gate = new Gate();
      List<Integer> ran = new CopyOnWriteArrayList<>();
      f.worker("node-1").concurrency(2).handle(type, gate.handler(ran)).start();
      assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> "killed".equals(state(second)));
      assertThat(f.redis().hget(f.jobKey(second), "e"))
          .contains("UniqueJobConflict")
          .contains("job " + first + " holds the while-executing lock");
      assertThat(f.spool.statuses().find(second).orElseThrow().errors())
          .singleElement()
          .asString()
          .contains("job " + first + " holds the while-executing lock of while-reject jobs");
      gate.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(state(first)));
      assertThat(ran).containsExactly(1);
    }

    @Test
    void aRejectNamesTheKindOfLockTheHolderHolds() throws Exception {
      JobType<Noop> type = type("mixed-locks", Unique.untilExecuted());
      Gate gate = new Gate();
      List<Integer> ran = new CopyOnWriteArrayList<>();
      JobId holder = f.spool.enqueue(type, new Noop(1));
      f.worker("node-1").concurrency(2).handle(type, gate.handler(ran)).start();
      assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();

      JobId second =
          f.spool.enqueue(
              type,
              new Noop(1),
              JobOptions.builder().unique(Unique.<Noop>whileExecuting()).build());
      await().atMost(Duration.ofSeconds(10)).until(() -> "killed".equals(state(second)));

      assertThat(f.spool.statuses().find(second).orElseThrow().errors())
          .singleElement()
          .asString()
          .contains("job " + holder + " holds the until-executed lock");
      gate.release.countDown();
    }

    @Test
    void rescheduleRunsTheSecondJobAfterTheFirstWithoutUsingAnAttempt() throws Exception {
      JobType<Noop> type =
          type(
              "while-reschedule",
              Unique.whileExecuting()
                  .onConflict(OnConflict.RESCHEDULE)
                  .rescheduleDelay(Duration.ofMillis(300)));
      JobId first = f.spool.enqueue(type, new Noop(1));
      JobId second = f.spool.enqueue(type, new Noop(1));
      Map<Long, Integer> attempts = new ConcurrentHashMap<>();
      CountDownLatch firstStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      f.worker("node-1")
          .concurrency(2)
          .handle(
              type,
              (job, a) -> {
                attempts.put(job.id().number(), job.attempt());
                if (job.id().equals(first)) {
                  firstStarted.countDown();
                  release.await();
                }
              })
          .start();
      assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> "scheduled".equals(state(second)));
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(state(second)));
      assertThat(attempts).containsEntry(second.number(), 0);
    }

    @Test
    void raiseFailsTheAttemptSoTheJobIsRetried() throws Exception {
      JobType<Noop> type =
          type("while-raise", Unique.whileExecuting().onConflict(OnConflict.RAISE))
              .withRetry(Retry.fixed(5, Duration.ofMillis(200)));
      JobId first = f.spool.enqueue(type, new Noop(1));
      JobId second = f.spool.enqueue(type, new Noop(1));
      Map<Long, Integer> attempts = new ConcurrentHashMap<>();
      CountDownLatch firstStarted = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      f.worker("node-1")
          .concurrency(2)
          .handle(
              type,
              (job, a) -> {
                attempts.put(job.id().number(), job.attempt());
                if (job.id().equals(first)) {
                  firstStarted.countDown();
                  release.await();
                }
              })
          .start();
      assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> "scheduled".equals(state(second)));
      assertThat(f.redis().hget(f.jobKey(second), "e"))
          .contains("UniqueJobConflictException")
          .contains("job " + first + " holds its lock");
      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(state(second)));
      assertThat(attempts.get(second.number())).as("the conflict used an attempt").isPositive();
    }

    @Test
    void threeNodesNeverRunTwoJobsWithTheSameKeyAtOnce() {
      JobType<Noop> type =
          type(
              "while-race",
              Unique.whileExecuting()
                  .onConflict(OnConflict.RESCHEDULE)
                  .rescheduleDelay(Duration.ofMillis(20))
                  .<Noop>args(a -> a.n() % 10));
      List<Noop> args = Fixtures.noops(1000);
      f.spool.enqueueAll(type, args);
      Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
      AtomicInteger overlaps = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      for (String node : List.of("n1", "n2", "n3")) {
        f.worker(node)
            .concurrency(8)
            .handle(
                type,
                (job, a) -> {
                  AtomicInteger r = running.computeIfAbsent(a.n() % 10, k -> new AtomicInteger());
                  if (r.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                  }
                  Thread.sleep(1);
                  r.decrementAndGet();
                  done.incrementAndGet();
                })
            .start();
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> f.spool.monitor().counts("work").completed() == 1000);
      assertThat(overlaps).hasValue(0);
      assertThat(done).hasValue(1000);
    }
  }

  @Nested
  class Keys {
    @Test
    void uniqueArgsDecideWhichJobsConflict() {
      JobType<Greeting> type =
          JobType.of("greet-once", Greeting.class)
              .withQueue("work")
              .withUnique(Unique.untilExecuted().args(g -> List.of(g.to())));
      assertThat(f.spool.tryEnqueue(type, new Greeting("a@b.c", "hi")).accepted()).isTrue();
      assertThat(f.spool.tryEnqueue(type, new Greeting("a@b.c", "hello")).accepted()).isFalse();
      assertThat(f.spool.tryEnqueue(type, new Greeting("x@y.z", "hi")).accepted()).isTrue();
    }

    @Test
    void fieldOrderAndNumberFormattingDoNotMatter() {
      @SuppressWarnings("unchecked")
      JobType<Map<String, Object>> type =
          JobType.of("map-job", (Class<Map<String, Object>>) (Class<?>) Map.class)
              .withQueue("work")
              .withUnique(Unique.untilExecuted());
      Map<String, Object> a = new java.util.LinkedHashMap<>();
      a.put("x", 1);
      a.put("y", "z");
      Map<String, Object> b = new java.util.LinkedHashMap<>();
      b.put("y", "z");
      b.put("x", 1.0);
      assertThat(f.spool.tryEnqueue(type, a).accepted()).isTrue();
      assertThat(f.spool.tryEnqueue(type, b).accepted()).isFalse();
    }

    @Test
    void theSameArgsOfAnotherTypeDoNotConflict() {
      assertThat(f.spool.tryEnqueue(type("one", Unique.untilExecuted()), new Noop(1)).accepted())
          .isTrue();
      assertThat(f.spool.tryEnqueue(type("two", Unique.untilExecuted()), new Noop(1)).accepted())
          .isTrue();
    }

    @Test
    void aPerJobUniqueAppliesToATypeThatIsNotUnique() {
      JobOptions once = JobOptions.builder().unique(Unique.untilExecuted()).build();
      assertThat(f.spool.tryEnqueue(Fixtures.NOOP, new Noop(1), once).accepted()).isTrue();
      assertThat(f.spool.tryEnqueue(Fixtures.NOOP, new Noop(1), once).accepted()).isFalse();
      assertThat(f.spool.tryEnqueue(Fixtures.NOOP, new Noop(1)).accepted())
          .as("not unique")
          .isTrue();
    }
  }

  @Nested
  class Ownership {
    @Test
    void aJobCannotReleaseALockAnotherJobHolds() throws Exception {
      JobType<Noop> type = type("owned", Unique.untilExecuted());
      JobId first = f.spool.enqueue(type, new Noop(1));
      // As if the first job's lock had expired and another job had taken it since.
      String lockKey = f.redis().keys(f.namespace + ":{work}:lock:*").getFirst();
      f.redis().set(lockKey, "999");
      f.worker("node-1").handle(type, (job, a) -> {}).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(state(first)));
      assertThat(f.redis().get(lockKey)).isEqualTo("999");
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).holder()).contains(new JobId("work", 999));
    }
  }

  @Nested
  class TimeToLive {
    @Test
    void aLockExpiresAtTheDueTimePlusItsTtl() throws Exception {
      Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(11)), ZoneOffset.UTC);
      JobType<Noop> type = type("ttl", Unique.untilExecuted());
      try (Spool earlier =
          Spool.builder().redis(redis.uri()).namespace(f.namespace).clock(past).build()) {
        assertThat(earlier.tryEnqueue(type, new Noop(1)).accepted()).isTrue();
        // Enqueued 11 minutes ago with the default 10-minute TTL: the lock is gone.
        assertThat(f.spool.tryEnqueue(type, new Noop(1)).accepted()).isTrue();

        // A job due 2 minutes after that enqueue keeps its lock until 10 minutes past its due time.
        JobOptions later = JobOptions.builder().delay(Duration.ofMinutes(2)).build();
        assertThat(earlier.tryEnqueue(type, new Noop(2), later).accepted()).isTrue();
        assertThat(f.spool.tryEnqueue(type, new Noop(2)).accepted()).isFalse();
        String lockKey =
            f.redis().keys(f.namespace + ":{work}:lock:*").stream()
                .filter(k -> f.redis().get(k).equals(Long.toString(3)))
                .findFirst()
                .orElseThrow();
        assertThat(f.redis().pttl(lockKey)).isBetween(50_000L, 60_000L);
      }
    }

    @Test
    void aRetryKeepsAnUntilExecutedLockForItsTtlFromTheRetrysDueTime() {
      JobType<Noop> type =
          type("retried", Unique.untilExecuted().ttl(Duration.ofSeconds(1)))
              .withRetry(Retry.fixed(2, Duration.ofSeconds(30)));
      JobId id = f.spool.enqueue(type, new Noop(1));
      f.worker("node-1")
          .handle(
              type,
              (job, a) -> {
                throw new IllegalStateException("fails");
              })
          .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> "scheduled".equals(state(id)));
      String lockKey = f.redis().keys(f.namespace + ":{work}:lock:*").getFirst();
      assertThat(f.redis().get(lockKey)).isEqualTo(Long.toString(id.number()));
      // Due in 30 s, plus the 1 s TTL; before, the lock lapsed 1 s after the enqueue.
      assertThat(f.redis().pttl(lockKey)).isBetween(25_000L, 31_000L);
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).holder()).contains(id);
    }

    /** The lock of the job with this number: its key. */
    private String lockOf(JobId id) {
      return f.redis().keys(f.namespace + ":{work}:lock:*").stream()
          .filter(k -> Long.toString(id.number()).equals(f.redis().get(k)))
          .findFirst()
          .orElseThrow();
    }

    /**
     * A job due again now (its dead node's lease reaped, or handed back at a stop) keeps an
     * until-executed lock for its TTL from now: before, the lock lapsed at the enqueue's due time
     * plus the TTL, however long the job had run, and a duplicate got in while it waited again.
     */
    @Test
    void aJobRecoveredOrHandedBackKeepsItsUntilExecutedLockForItsTtlFromNow() {
      JobType<Noop> type = type("recovered", Unique.untilExecuted().ttl(Duration.ofSeconds(30)));
      JobId reaped = f.spool.enqueue(type, new Noop(1));
      JobId released = f.spool.enqueue(type, new Noop(2));
      RedisJobStore store = f.jobStore();
      Clock clock = Clock.systemUTC();
      List<FetchedJob> held = store.fetch("work", "node-1", Micros.now(clock), 60_000, 2);
      assertThat(held).extracting(FetchedJob::id).containsExactly(reaped, released);
      // Both ran for almost their whole TTL: half a second of it is left.
      f.redis().pexpire(lockOf(reaped), 500);
      f.redis().pexpire(lockOf(released), 500);

      f.redis().zadd(f.queueKeys("work").active(), 1, Long.toString(reaped.number()));
      assertThat(store.reap("work", Micros.now(clock), 50, 60_000)[0]).isEqualTo(1);
      assertThat(
              store.release(
                  "work",
                  "node-1",
                  Micros.now(clock),
                  held.subList(1, 2),
                  Worker.Builder.DEFAULT_MAX_HAND_BACKS))
          .isEqualTo(new Released(1, 0));

      assertThat(f.redis().pttl(lockOf(reaped))).isBetween(25_000L, 30_000L);
      assertThat(f.redis().pttl(lockOf(released))).isBetween(25_000L, 30_000L);
      assertThat(f.spool.tryEnqueue(type, new Noop(1)).holder()).contains(reaped);
      assertThat(f.spool.tryEnqueue(type, new Noop(2)).holder()).contains(released);
    }

    /**
     * A job put off to a later window by its rate limit, before it started, keeps its lock (held
     * until it has run, or until it starts) for its TTL past that window.
     */
    @ParameterizedTest
    @ValueSource(strings = {"untilExecuted", "untilExecuting"})
    void aJobPutOffByItsRateLimitKeepsItsLockPastItsWindow(String kind) {
      Unique<Object> unique =
          kind.equals("untilExecuted") ? Unique.untilExecuted() : Unique.untilExecuting();
      JobType<Noop> type =
          type("rate-limited", unique.ttl(Duration.ofSeconds(30)))
              .withRateLimit(1, Duration.ofHours(1));
      f.spool.enqueue(type, new Noop(1));
      JobId waiting = f.spool.enqueue(type, new Noop(2));
      RedisJobStore store = f.jobStore();
      List<FetchedJob> started =
          store.fetch("work", "node-1", Micros.now(Clock.systemUTC()), 60_000, 2);
      assertThat(started).hasSize(1);
      assertThat(state(waiting)).isEqualTo("scheduled");
      long due = Long.parseLong(f.redis().hget(f.jobKey(waiting), "due"));
      long untilDue = due - System.currentTimeMillis();

      // Due at the next hour's window, plus the 30 s TTL: before, 30 s from the enqueue.
      assertThat(f.redis().pttl(lockOf(waiting))).isBetween(untilDue + 25_000, untilDue + 31_000);
    }

    /** Cloudtasker's global lock_ttl: one setting for every type that names no TTL of its own. */
    @Test
    void aSpoolWideTtlAppliesToTypesThatNameNone() {
      JobType<Noop> type = type("spool-wide", Unique.untilExecuted());
      try (Spool spool =
          Spool.builder()
              .redis(redis.uri())
              .namespace(f.namespace)
              .uniqueLockTtl(Duration.ofMinutes(3))
              .build()) {
        spool.enqueue(type, new Noop(1));
      }
      String lockKey = f.redis().keys(f.namespace + ":{work}:lock:*").getFirst();
      assertThat(f.redis().pttl(lockKey)).isBetween(170_000L, 180_000L);
    }

    @Test
    void aPerTypeTtlOverridesTheDefault() {
      JobType<Noop> type = type("short", Unique.untilExecuted().ttl(Duration.ofSeconds(30)));
      f.spool.enqueue(type, new Noop(1));
      String lockKey = f.redis().keys(f.namespace + ":{work}:lock:*").getFirst();
      assertThat(f.redis().pttl(lockKey)).isBetween(25_000L, 30_000L);
    }
  }

  @Nested
  class Recovery {
    @Test
    void aCrashedNodesWhileExecutingLockIsReleasedWhenTheJobIsReaped() throws Exception {
      JobType<Noop> type = type("crashy", Unique.whileExecuting());
      JobId id = f.spool.enqueue(type, new Noop(1));
      Fixtures.crashHolding(f.worker("doomed"), type, 1);
      f.worker("survivor").handle(type, (job, a) -> {}).start();
      await().atMost(Duration.ofSeconds(15)).until(() -> "succeeded".equals(state(id)));
      assertThat(f.redis().keys(f.namespace + ":{work}:lock:*")).isEmpty();
    }
  }
}
