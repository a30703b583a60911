package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** jobba's behaviour, on real Redis: statuses by hand and the engine's statuses. */
class StatusesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  Statuses statuses;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    statuses = f.spool.statuses();
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Nested
  class ByHand {
    @Test
    void aNewStatusIsUnqueuedWithItsRecordedTime() {
      Instant before = Instant.now();
      JobStatus s = statuses.create();
      assertThat(s.state()).isEqualTo(State.UNQUEUED);
      assertThat(s.attempt()).isZero();
      assertThat(s.timestamp(Timestamp.RECORDED_AT))
          .hasValueSatisfying(t -> assertThat(t).isBetween(before.minusMillis(1), Instant.now()));
      assertThat(statuses.find(s.id())).map(JobStatus::state).contains(State.UNQUEUED);
    }

    @Test
    void findIsEmptyAndFindOrUnknownIsUnknownForAnUnknownId() {
      JobId nobody = new JobId("default", 424242);
      assertThat(statuses.find(nobody)).isEmpty();
      assertThat(statuses.findOrUnknown(nobody).state()).isEqualTo(State.UNKNOWN);
    }

    /** Unlike jobba's find!, an unknown status is not written: see docs/statuses.md. */
    @Test
    void anUnknownStatusIsOnlyReadAndItsChangesNameTheId() {
      JobStatus unknown = statuses.findOrUnknown(new JobId("default", 424243));
      assertThatThrownBy(unknown::started)
          .isInstanceOf(SpoolException.class)
          .hasMessage("no status 'default:424243' (never created, deleted, or expired)");
      assertThatThrownBy(() -> unknown.progress(0.5)).isInstanceOf(SpoolException.class);
      assertThatThrownBy(() -> unknown.save("x")).isInstanceOf(SpoolException.class);
      assertThat(statuses.find(unknown.id())).isEmpty();
    }

    @Test
    void eachStateRecordsItsTimestampTheFirstTimeOnlyInMicroseconds() {
      JobStatus s = statuses.create();
      s.queued();
      Instant queuedAt = s.timestamp(Timestamp.QUEUED_AT).orElseThrow();
      s.queued();
      assertThat(s.timestamp(Timestamp.QUEUED_AT)).contains(queuedAt);
      s.started().succeeded();
      assertThat(s.state()).isEqualTo(State.SUCCEEDED);
      assertThat(s.timestamp(Timestamp.STARTED_AT)).isPresent();
      assertThat(s.timestamp(Timestamp.SUCCEEDED_AT)).isPresent();
      assertThat(s.timestamp(Timestamp.FAILED_AT)).isEmpty();
      assertThat(s.isCompleted()).isTrue();
      long micros = dev.spool.internal.Micros.of(s.timestamp(Timestamp.SUCCEEDED_AT).get());
      assertThat(s.timestamp(Timestamp.SUCCEEDED_AT).get().getNano() % 1000).isZero();
      assertThat(micros).isPositive();
    }

    @Test
    void aSecondStartIsARestartThatArchivesTheAttempt() {
      JobStatus s = statuses.create();
      s.jobName("PublishBook").jobArgs(Map.of("book", "gid://app/Book/53")).providerJobId("42");
      s.queued().started().progress(0.5).addError("oh no").failed();
      s.started();
      assertThat(s.state()).isEqualTo(State.STARTED);
      assertThat(s.attempt()).isEqualTo(1);
      assertThat(s.progress()).isZero();
      assertThat(s.errors()).isEmpty();
      assertThat(s.timestamp(Timestamp.FAILED_AT)).isEmpty();
      assertThat(s.jobName()).contains("PublishBook");
      assertThat(s.jobArgs()).containsEntry("book", "gid://app/Book/53");
      assertThat(s.providerJobId()).contains("42");
      assertThat(s.previousAttempts()).hasSize(1);
      Map<String, Object> previous = s.previousAttempts().getFirst();
      assertThat(previous).containsEntry("attempt", 0).containsEntry("state", "failed");
      assertThat(previous.get("errors")).isEqualTo(List.of("oh no"));
      assertThat(previous).containsKeys("started_at", "failed_at");
    }

    /** jobba: a restart looks like a started status, in queries too; re-entering keeps times. */
    @Test
    void aRestartLeavesTheOldStatesIndexesAndReenteringAStateKeepsItsFirstTime() {
      JobStatus s = statuses.create();
      Instant recorded = s.timestamp(Timestamp.RECORDED_AT).orElseThrow();
      s.queued().unqueued();
      assertThat(s.timestamp(Timestamp.RECORDED_AT)).contains(recorded);
      assertThat(statuses.where(State.UNQUEUED).count()).isEqualTo(1);
      assertThat(statuses.where(State.QUEUED).count()).isZero();

      s.started().failed().started();
      assertThat(statuses.where(State.FAILED).count()).isZero();
      assertThat(statuses.all().after(Timestamp.FAILED_AT, Instant.EPOCH).count()).isZero();
      assertThat(statuses.where(State.STARTED).count()).isEqualTo(1);
      s.succeeded();
      assertThat(s.timestamp(Timestamp.SUCCEEDED_AT)).isPresent();
      assertThat(statuses.where(State.COMPLETED).list())
          .extracting(JobStatus::id)
          .containsExactly(s.id());
    }

    @Test
    void anArchivedAttemptHoldsOnlyWhatItHad() {
      JobStatus s = statuses.create().started();
      s.started();
      Map<String, Object> previous = s.previousAttempts().getFirst();
      assertThat(previous).containsEntry("attempt", 0).containsEntry("state", "started");
      assertThat(previous).containsKey("started_at").doesNotContainKeys("progress", "queued_at");
      assertThat(previous.get("errors")).isEqualTo(List.of());
      assertThat(previous.values()).doesNotContain(false);
    }

    @Test
    void progressErrorsAndDataReadBackAsAJsonRoundTripGives() {
      JobStatus s = statuses.create();
      s.progress(7, 10);
      assertThat(s.progress()).isEqualTo(0.7);
      s.addError("oh nooo!!").addError(Map.of("msg", "oh nooo!!", "data", 42));
      s.save(Map.of("a", "blah", "b", List.of(1, 2, 3)));
      for (JobStatus view : List.of(s, statuses.find(s.id()).orElseThrow())) {
        assertThat(view.errors())
            .containsExactly("oh nooo!!", Map.of("msg", "oh nooo!!", "data", 42));
        assertThat(view.data()).isEqualTo(Map.of("a", "blah", "b", List.of(1, 2, 3)));
        assertThat(view.progress()).isEqualTo(0.7);
      }
      s.save("some string");
      assertThat(s.reload().data()).isEqualTo("some string");
    }

    @Test
    void badValuesAreRefusedAndNothingIsWritten() {
      JobStatus s = statuses.create().progress(0.25);
      assertThatThrownBy(() -> s.progress(1.5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[0, 1]");
      assertThatThrownBy(() -> s.progress(11, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("11 of 10");
      assertThatThrownBy(() -> s.save(new Object()))
          .isInstanceOf(SpoolException.class)
          .hasMessageContaining("data cannot be written as JSON");
      assertThatThrownBy(() -> s.addError(new Object()))
          .hasMessageContaining("error cannot be written as JSON");
      JobStatus again = s.reload();
      assertThat(again.progress()).isEqualTo(0.25);
      assertThat(again.data()).isNull();
      assertThat(again.errors()).isEmpty();
    }

    @Test
    void deleteRefusesAnIncompleteStatusAndForceDeleteAlwaysDeletes() {
      JobStatus running = statuses.create().started();
      assertThatThrownBy(running::delete)
          .isInstanceOf(StatusIncompleteException.class)
          .hasMessageContaining("is started, not completed");
      assertThat(statuses.find(running.id())).isPresent();
      running.forceDelete();
      assertThat(statuses.find(running.id())).isEmpty();

      JobStatus done = statuses.create().jobName("X").started().succeeded();
      done.delete();
      assertThat(statuses.find(done.id())).isEmpty();
      assertThat(statuses.jobName("X").count()).as("index entries gone").isZero();
      assertThat(statuses.all().count()).isZero();
    }

    @Test
    void aKillRequestIsRecordedForWorkRunElsewhere() {
      JobStatus s = statuses.create().started();
      assertThat(s.isKillRequested()).isFalse();
      s.requestKill();
      assertThat(s.isKillRequested()).isTrue();
      assertThat(s.timestamp(Timestamp.KILL_REQUESTED_AT)).isPresent();
      assertThat(s.state()).as("still started until it is killed").isEqualTo(State.STARTED);
      s.killed();
      assertThat(s.state()).isEqualTo(State.KILLED);
    }

    @Test
    void unknownStateNamesAreRefusedListingTheValidOnes() {
      assertThatThrownBy(() -> State.parse("finished"))
          .hasMessage(
              "unknown state 'finished': use one of unqueued, scheduled, queued, started, succeeded,"
                  + " failed, killed, unknown, completed, incomplete");
      assertThat(State.parse("Completed")).isEqualTo(State.COMPLETED);
    }
  }

  @Nested
  class Queries {
    JobStatus unqueued;
    JobStatus queued;
    JobStatus started;
    JobStatus succeeded;
    JobStatus failed;
    JobStatus killed;

    @BeforeEach
    void sixStatuses() {
      unqueued = statuses.create().jobName("A");
      queued = statuses.create().jobName("A").queued();
      started = statuses.create().jobName("B").jobArgs(Map.of("book", "b53")).queued().started();
      succeeded =
          statuses.create().jobName("B").jobArgs(Map.of("book", "b53")).started().succeeded();
      failed = statuses.create().jobName("C").jobArgs(Map.of("person", "p86")).started().failed();
      killed = statuses.create().started().killed();
    }

    @Test
    void aClippedQueryCutsLongFieldsInRedisAndKeepsTheLastErrorReadable() {
      String lots = "\u20ac" + "y".repeat(50_000);
      JobStatus big =
          statuses.create().jobName("D").jobArgs(Map.of("k", lots)).save(Map.of("d", lots));
      JobStatus strings = statuses.create().jobName("S").started();
      JobStatus fine = statuses.create().jobName("F").started().succeeded();
      String key = f.namespace + ":{default}:job:";
      f.redis()
          .hset(
              key + big.id().number(),
              "er",
              "[{\"type\":\"Old\",\"message\":\"x\"},{\"type\":\"Boom\",\"message\":\""
                  + lots
                  + "\"}]");
      // Errors by hand may be any JSON: the last one shows as its text, however short the list.
      f.redis().hset(key + strings.id().number(), "er", "[\"first\",{\"code\":42}]");

      JobStatus clipped = statuses.all().jobName("D").clipped(100).page(null).statuses().getFirst();
      JobStatus whole = statuses.all().jobName("D").page(null).statuses().getFirst();

      assertThat(clipped.raw().get("ja")).startsWith("{\"k\":\"\u20acyyy").hasSizeLessThan(401);
      assertThat(clipped.jobArgs()).isEmpty(); // cut mid-value: reads as absent, not as garbage
      assertThat(clipped.errors()).hasSize(1);
      Map<?, ?> last = (Map<?, ?>) clipped.errors().getFirst();
      assertThat(last.get("type")).isEqualTo("Boom");
      assertThat((String) last.get("message")).startsWith("\u20acyyyyyyyyy").hasSizeLessThan(401);
      assertThat(clipped.jobName()).contains("D");
      assertThat(whole.jobArgs()).containsEntry("k", lots);
      assertThat(whole.errors()).hasSize(2);
      assertThat(statuses.all().jobName("S").clipped(1).list().getFirst().errors())
          .containsExactly("{\"code\":42}");
      // However short the cut, states, names and times stay whole.
      JobStatus least = statuses.all().jobName("F").clipped(1).list().getFirst();
      assertThat(least.state()).isEqualTo(State.SUCCEEDED);
      assertThat(least.raw()).isEqualTo(fine.reload().raw());
      assertThatThrownBy(() -> statuses.all().clipped(-1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    List<JobId> ids(StatusQuery q) {
      return q.list().stream().map(JobStatus::id).toList();
    }

    @Test
    void byStateSeveralStatesAndGroups() {
      assertThat(ids(statuses.where(State.FAILED))).containsExactly(failed.id());
      assertThat(ids(statuses.where(State.FAILED, State.KILLED)))
          .containsExactly(killed.id(), failed.id());
      assertThat(ids(statuses.where(State.COMPLETED))).containsExactly(failed.id(), succeeded.id());
      assertThat(ids(statuses.where(State.INCOMPLETE)))
          .containsExactly(killed.id(), started.id(), queued.id(), unqueued.id());
      assertThat(statuses.where(State.COMPLETED).count()).isEqualTo(2);
      assertThat(statuses.all().count()).isEqualTo(6);
      assertThat(statuses.all().where("failed", "killed").count()).isEqualTo(2);
    }

    @Test
    void byNameArgAndIdsAndChainedAsAnd() {
      assertThat(ids(statuses.jobName("B"))).containsExactly(succeeded.id(), started.id());
      assertThat(ids(statuses.jobName("A", "C")))
          .containsExactly(failed.id(), queued.id(), unqueued.id());
      assertThat(ids(statuses.jobArg("b53"))).containsExactly(succeeded.id(), started.id());
      assertThat(ids(statuses.jobArg("b53").where(State.COMPLETED)))
          .containsExactly(succeeded.id());
      assertThat(ids(statuses.jobName("B").jobArg("p86"))).isEmpty();
      assertThat(ids(statuses.all().ids(List.of(failed.id(), queued.id()))))
          .containsExactly(failed.id(), queued.id());
      assertThat(statuses.all().ids(List.of()).count())
          .as("an empty list matches nothing")
          .isZero();
      assertThat(statuses.all().ids(List.of()).list()).isEmpty();
      assertThat(statuses.where(State.FAILED).ids(List.of(failed.id(), queued.id())).count())
          .isEqualTo(1);
    }

    @Test
    void byTimestampRangesOpenOrClosedInInstantsOrMicros() {
      Instant t = started.timestamp(Timestamp.RECORDED_AT).orElseThrow();
      assertThat(ids(statuses.all().after(Timestamp.RECORDED_AT, t)))
          .containsExactly(killed.id(), failed.id(), succeeded.id(), started.id());
      assertThat(ids(statuses.all().before(Timestamp.RECORDED_AT, t)))
          .containsExactly(started.id(), queued.id(), unqueued.id());
      Instant s0 = started.timestamp(Timestamp.STARTED_AT).orElseThrow();
      Instant s1 = failed.timestamp(Timestamp.STARTED_AT).orElseThrow();
      assertThat(ids(statuses.all().between(Timestamp.STARTED_AT, s0, s1)))
          .containsExactly(failed.id(), succeeded.id(), started.id());
      long m0 = dev.spool.internal.Micros.of(s0);
      assertThat(statuses.all().betweenMicros(Timestamp.STARTED_AT, m0 + 1, null).count())
          .isEqualTo(3);
      assertThat(
              statuses
                  .where(State.SUCCEEDED)
                  .between(Timestamp.SUCCEEDED_AT, null, Instant.now())
                  .count())
          .isEqualTo(1);
      assertThat(
              statuses
                  .all()
                  .between(Timestamp.STARTED_AT, Instant.now().plusSeconds(60), null)
                  .count())
          .isZero();
      assertThat(statuses.all().between(Timestamp.FAILED_AT, null, null).count())
          .as("has the timestamp")
          .isEqualTo(1);
      assertThatThrownBy(() -> statuses.all().after(Timestamp.KILL_REQUESTED_AT, t))
          .hasMessageContaining("cannot be queried");
    }

    @Test
    void pagesAreStableAndCoverEverythingOnce() {
      assertThat(ids(statuses.all().limit(2))).containsExactly(killed.id(), failed.id());
      assertThat(ids(statuses.all().offset(2).limit(2)))
          .containsExactly(succeeded.id(), started.id());
      assertThat(ids(statuses.all().offset(4).limit(10)))
          .containsExactly(queued.id(), unqueued.id());
      assertThat(ids(statuses.all().offset(6))).isEmpty();
      assertThat(ids(statuses.all().limit(0))).isEmpty();
      assertThat(statuses.all().offset(5).limit(1).count()).as("count ignores paging").isEqualTo(6);
    }

    @Test
    void bulkOperations() {
      assertThatThrownBy(() -> statuses.jobName("B").deleteAll())
          .isInstanceOf(StatusIncompleteException.class);
      assertThat(statuses.jobName("B").count()).as("nothing deleted").isEqualTo(2);
      assertThat(statuses.where(State.COMPLETED).deleteAll()).isEqualTo(2);
      assertThat(statuses.all().count()).isEqualTo(4);
      assertThat(statuses.where(State.STARTED, State.QUEUED).requestKillAll()).isEqualTo(2);
      assertThat(started.reload().isKillRequested()).isTrue();
      assertThat(statuses.all().forceDeleteAll()).isEqualTo(4);
      assertThat(statuses.all().count()).isZero();
    }

    @Test
    void queriesWithoutAQueueFanOutOverEveryQueue() {
      JobStatus elsewhere = statuses.create("other").jobName("A");
      assertThat(statuses.jobName("A").count()).isEqualTo(3);
      assertThat(ids(statuses.jobName("A")))
          .containsExactly(elsewhere.id(), queued.id(), unqueued.id());
      assertThat(ids(statuses.jobName("A").queue("other"))).containsExactly(elsewhere.id());
      assertThat(ids(statuses.jobName("A").offset(1).limit(1))).containsExactly(queued.id());
    }
  }

  @Nested
  class EngineJobs {
    @Test
    void aSpoolJobsStatusFollowsItFromQueuedToSucceededWithItsProgressAndResult() {
      JobId id = f.spool.enqueue(NOOP, new Noop(1));
      JobStatus s = statuses.find(id).orElseThrow();
      assertThat(s.state()).isEqualTo(State.QUEUED);
      assertThat(s.jobName()).contains("noop");
      f.worker("node-1")
          .handle(
              NOOP,
              (job, a) -> {
                job.progress(1, 2);
                assertThat(job.status().state()).isEqualTo(State.STARTED);
                job.put("answer", 42);
              })
          .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.reload().state() == State.SUCCEEDED);
      assertThat(s.progress()).as("as in jobba, a success is 100 %% done").isEqualTo(1.0);
      assertThat(s.result()).containsEntry("answer", 42);
      assertThat(s.timestamp(Timestamp.QUEUED_AT)).isPresent();
      assertThat(s.timestamp(Timestamp.STARTED_AT)).isPresent();
      assertThat(statuses.where(State.SUCCEEDED).jobName("noop").count()).isEqualTo(1);
      assertThat(statuses.where(State.QUEUED).count()).isZero();
    }

    @Test
    void aSpoolJobsStateIsNotSetByHandAndItsRunEndsAsTheEngineRecordsIt() {
      JobType<Noop> limited = NOOP.withConcurrencyLimit(1).withRetry(Retry.none());
      JobId delayed =
          f.spool.enqueue(
              limited, new Noop(0), JobOptions.builder().delay(Duration.ofHours(1)).build());
      assertThatThrownBy(() -> statuses.find(delayed).orElseThrow().killed())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is run by Spool")
          .hasMessageContaining("requestKill()");
      assertThat(statuses.find(delayed).orElseThrow().state()).isEqualTo(State.SCHEDULED);

      // jobba's habit inside a handler: before, the run's outcome was dropped and its slot kept.
      List<JobId> ids = f.spool.enqueueAll(limited, List.of(new Noop(1), new Noop(2)));
      f.worker("node-1")
          .handle(
              limited,
              (job, a) -> {
                if (a.n() == 1) {
                  job.status().succeeded();
                }
                job.put("ran", a.n());
              })
          .start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statuses.findOrUnknown(ids.get(1)).state() == State.SUCCEEDED);
      JobStatus first = statuses.find(ids.get(0)).orElseThrow();
      assertThat(first.state()).isEqualTo(State.FAILED);
      assertThat(first.errors().getFirst().toString()).contains("is run by Spool");
      assertThat(statuses.find(ids.get(1)).orElseThrow().result()).containsEntry("ran", 2);
    }

    @Test
    void engineRetriesAreRestartsWithPreviousAttemptsAndErrors() {
      JobType<Noop> flaky = NOOP.withRetry(Retry.fixed(2, Duration.ofMillis(50)));
      JobId id = f.spool.enqueue(flaky, new Noop(1));
      f.worker("node-1")
          .handle(
              flaky,
              (job, a) -> {
                throw new IllegalStateException("attempt " + job.attempt());
              })
          .start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statuses.findOrUnknown(id).state() == State.FAILED);
      JobStatus s = statuses.find(id).orElseThrow();
      assertThat(s.attempt()).isEqualTo(1);
      assertThat(s.previousAttempts()).hasSize(1);
      assertThat(s.previousAttempts().getFirst())
          .containsEntry("attempt", 0)
          .containsEntry("state", "failed");
      assertThat(s.previousAttempts().getFirst().get("errors").toString()).contains("attempt 0");
      assertThat(s.errors()).hasSize(1);
      assertThat(s.errors().getFirst().toString()).contains("attempt 1");
      assertThat(statuses.where(State.FAILED).count()).isEqualTo(1);
    }

    @Test
    void aKillRequestInterruptsTheRunningHandlerAndEndsTheJobKilled() throws Exception {
      CountDownLatch started = new CountDownLatch(1);
      AtomicBoolean sawRequest = new AtomicBoolean();
      JobId id = f.spool.enqueue(NOOP, new Noop(1));
      f.worker("node-1")
          .handle(
              NOOP,
              (job, a) -> {
                started.countDown();
                try {
                  Fixtures.untilInterrupted();
                } catch (InterruptedException e) {
                  sawRequest.set(job.isKillRequested());
                  throw e;
                }
              })
          .start();
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      long t0 = System.nanoTime();
      statuses.find(id).orElseThrow().requestKill();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statuses.findOrUnknown(id).state() == State.KILLED);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(sawRequest).isTrue();
      JobStatus s = statuses.find(id).orElseThrow();
      assertThat(s.timestamp(Timestamp.KILL_REQUESTED_AT)).isPresent();
      assertThat(s.timestamp(Timestamp.KILLED_AT)).isPresent();
      assertThat(f.spool.deadJobs().size("work")).as("killed, not dead").isZero();
      assertThat(f.spool.monitor().counts("work").processing()).isZero();
    }

    @Test
    void aKillRequestThatComesAsTheJobIsHandedToItsHandlerStillEndsIt() {
      // Each kill follows its enqueue closely, so some land while the job waits in Redis, some
      // while it runs, and some in between: fetched, but with no handler thread to interrupt yet.
      int jobs = 300;
      f.worker("node-1")
          .concurrency(jobs)
          .handle(NOOP, (job, a) -> Fixtures.untilInterrupted())
          .start();
      for (int i = 0; i < jobs; i++) {
        statuses.find(f.spool.enqueue(NOOP, new Noop(i))).orElseThrow().requestKill();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(statuses.where(State.KILLED).count()).isEqualTo(jobs));
      assertThat(f.spool.monitor().counts("work").processing()).isZero();
    }

    @Test
    void aKillRequestRemovesAQueuedOrDelayedJobAtOnce() {
      JobId queued = f.spool.enqueue(NOOP, new Noop(1));
      JobId delayed =
          f.spool.enqueue(
              NOOP, new Noop(2), JobOptions.builder().delay(Duration.ofHours(1)).build());
      statuses.find(queued).orElseThrow().requestKill();
      statuses.find(delayed).orElseThrow().requestKill();
      assertThat(statuses.findOrUnknown(queued).state()).isEqualTo(State.KILLED);
      assertThat(statuses.findOrUnknown(delayed).state()).isEqualTo(State.KILLED);
      assertThat(f.spool.monitor().counts("work"))
          .isEqualTo(new QueueCounts("work", 0, 0, 0, 0, 0));
    }

    @Test
    void finishedStatusesArePrunedAfterTheRetentionWithTheirIndexEntries() throws Exception {
      try (Spool shortLived =
          Spool.builder()
              .redis(redis.uri())
              .namespace(f.namespace)
              .retention(Duration.ofSeconds(1))
              .build()) {
        shortLived.enqueueAll(NOOP, Fixtures.noops(50));
        shortLived.worker("node-1").handle(NOOP, (job, a) -> {}).start();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> shortLived.monitor().counts("work").completed() == 50);
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> shortLived.statuses().all().count() == 0);
        assertThat(f.redis().keys(f.namespace + ":{work}:job:*")).isEmpty();
        // Left: where the bucket directory is trusted from, when it was last swept, and the
        // newest bucket it ever listed (what a sequence of garbage is mended from).
        assertThat(f.redis().keys(f.namespace + ":{work}:ix:*"))
            .allMatch(
                k ->
                    k.endsWith(":ix:dir:low")
                        || k.endsWith(":ix:dir:swept")
                        || k.endsWith(":ix:dir:top"));
      }
    }
  }
}
