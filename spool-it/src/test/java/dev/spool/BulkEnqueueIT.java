package dev.spool;

import static dev.spool.Fixtures.GREET;
import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Greeting;
import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bulk enqueue, of one type and of jobs each with their own options ({@link JobSpec}). */
class BulkEnqueueIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> UNIQUE =
      JobType.of("unique-noop", Noop.class).withQueue("work").withUnique(Unique.untilExecuted());
  static final JobType<Noop> RAISING =
      JobType.of("raising-noop", Noop.class)
          .withQueue("work")
          .withUnique(Unique.untilExecuted().onConflict(OnConflict.RAISE));

  static final JobOptions LATER = JobOptions.builder().delay(Duration.ofHours(1)).build();
  static final JobOptions HIGH = JobOptions.builder().priority(7).build();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  State state(JobId id) {
    return f.spool.statuses().find(id).orElseThrow().state();
  }

  @Test
  void jobsWithTheirOwnDueTimesPrioritiesAndNodesAreEnqueuedInOneCall() {
    List<JobId> ids =
        f.spool.enqueueAll(
            List.of(
                JobSpec.of(NOOP, new Noop(0)),
                JobSpec.of(NOOP, new Noop(1), LATER),
                JobSpec.of(NOOP, new Noop(2), HIGH),
                JobSpec.of(
                    NOOP, new Noop(3), JobOptions.builder().runAt(Instant.EPOCH).build()), // past
                JobSpec.of(
                    NOOP, new Noop(4), JobOptions.builder().node("n1").strictNode(true).build()),
                JobSpec.of(NOOP, new Noop(5), JobOptions.builder().notNode("n2").build()),
                JobSpec.of(GREET, new Greeting("ann", "hi"), LATER),
                JobSpec.of(NOOP, new Noop(7), JobOptions.builder().queue("other").build())));

    assertThat(ids).hasSize(8);
    assertThat(ids.subList(0, 7)).extracting(JobId::queue).containsOnly("work");
    assertThat(ids.subList(0, 7)).extracting(JobId::number).isSorted().doesNotHaveDuplicates();
    assertThat(ids.get(7)).isEqualTo(new JobId("other", 1));
    assertThat(ids)
        .extracting(this::state)
        .containsExactly(
            State.QUEUED,
            State.SCHEDULED,
            State.QUEUED,
            State.QUEUED,
            State.QUEUED,
            State.QUEUED,
            State.SCHEDULED,
            State.QUEUED);
    QueueCounts work = f.spool.monitor().counts("work");
    assertThat(work.delayed()).isEqualTo(2);
    assertThat(work.ready()).isEqualTo(5);
    assertThat(f.redis().hget(f.jobKey(ids.get(2)), "p")).isEqualTo("7");
    assertThat(f.redis().hmget(f.jobKey(ids.get(4)), "an", "as"))
        .extracting(kv -> kv.getValueOrElse(null))
        .containsExactly("n1", "1");
    assertThat(f.redis().hget(f.jobKey(ids.get(5)), "ax")).isEqualTo("n2");
    assertThat(f.redis().hget(f.jobKey(ids.get(6)), "t")).isEqualTo("greet");
    assertThat(f.spool.statuses().where(State.SCHEDULED).count()).isEqualTo(2);
    assertThat(f.spool.statuses().where(State.QUEUED).jobName("noop").count()).isEqualTo(6);
  }

  @Test
  void eachJobRunsAsItsOptionsSay() {
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<JobSpec<?>> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(JobSpec.of(NOOP, new Noop(i)));
    }
    for (int i = 3; i < 6; i++) {
      jobs.add(JobSpec.of(NOOP, new Noop(i), HIGH));
    }
    jobs.add(JobSpec.of(NOOP, new Noop(6), LATER));
    f.spool.enqueueAll(jobs);
    f.worker("node-1").concurrency(1).handle(NOOP, (job, a) -> order.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 6);
    assertThat(order).containsExactly(3, 4, 5, 0, 1, 2); // the delayed one is not due
  }

  @Test
  void aUniqueConflictIsReportedForItsJobAloneAsASingleEnqueueWould() {
    JobId held = f.spool.enqueue(UNIQUE, new Noop(1));
    List<EnqueueResult> results =
        f.spool.tryEnqueueAll(
            List.of(
                JobSpec.of(UNIQUE, new Noop(0)),
                JobSpec.of(UNIQUE, new Noop(1)), // held before the call
                JobSpec.of(UNIQUE, new Noop(2)),
                JobSpec.of(UNIQUE, new Noop(2)), // held by the job just before it
                JobSpec.of(NOOP, new Noop(1))));

    assertThat(results)
        .extracting(EnqueueResult::accepted)
        .containsExactly(true, false, true, false, true);
    assertThat(results.get(1).holder()).contains(held);
    assertThat(results.get(3).holder()).contains(results.get(2).jobId());
    List<JobId> ids =
        f.spool.enqueueAll(
            List.of(JobSpec.of(UNIQUE, new Noop(1)), JobSpec.of(UNIQUE, new Noop(3))));
    assertThat(ids.get(0)).isEqualTo(held); // rejected: the holder's id, as enqueue returns
    assertThat(state(ids.get(1))).isEqualTo(State.QUEUED);
  }

  @Test
  void aRaisingConflictThrowsOnceEveryOtherJobIsQueued() {
    JobId held = f.spool.enqueue(RAISING, new Noop(1));
    assertThatThrownBy(
            () ->
                f.spool.enqueueAll(
                    List.of(
                        JobSpec.of(RAISING, new Noop(1)),
                        JobSpec.of(RAISING, new Noop(2)),
                        JobSpec.of(NOOP, new Noop(3)))))
        .isInstanceOfSatisfying(
            UniqueJobConflictException.class, e -> assertThat(e.holder()).isEqualTo(held));
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(3);
  }

  @Test
  void manyJobsAreSplitIntoChunksAndKeepTheirOrderOnEveryQueue() {
    int n = 2 * 1000 + 3 * Enqueuer.CHUNK + 7; // several user-sized calls' worth, odd tail
    List<JobSpec<?>> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JobOptions options =
          switch (i % 4) {
            case 0 -> JobOptions.NONE;
            case 1 -> HIGH;
            case 2 -> JobOptions.builder().queue("other").build();
            default -> JobOptions.builder().delay(Duration.ofMinutes(1 + i % 3)).build();
          };
      jobs.add(JobSpec.of(NOOP, new Noop(i), options));
    }
    List<JobId> ids = f.spool.enqueueAll(jobs);

    assertThat(ids).hasSize(n);
    List<JobId> work = ids.stream().filter(id -> id.queue().equals("work")).toList();
    List<JobId> other = ids.stream().filter(id -> id.queue().equals("other")).toList();
    assertThat(other).hasSize((n + 1) / 4); // i % 4 == 2
    assertThat(work).extracting(JobId::number).isSorted().doesNotHaveDuplicates();
    assertThat(other).extracting(JobId::number).isSorted().doesNotHaveDuplicates();
    for (int i = 0; i < n; i++) {
      assertThat(f.redis().hget(f.jobKey(ids.get(i)), "a")).isEqualTo("{\"n\":" + i + "}");
    }
    long delayed = n / 4; // i % 4 == 3
    assertThat(f.spool.monitor().counts("work").delayed()).isEqualTo(delayed);
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(work.size() - delayed);
    assertThat(f.spool.statuses().where(State.SCHEDULED).count()).isEqualTo(delayed);
  }

  @Test
  void aBulkEnqueueOfOneTypeKeepsItsIdsInOrderAcrossChunks() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(4 * Enqueuer.CHUNK + 1), HIGH);
    assertThat(ids).extracting(JobId::number).isSorted().doesNotHaveDuplicates();
    assertThat(f.redis().hget(f.jobKey(ids.getLast()), "a"))
        .isEqualTo("{\"n\":" + 4 * Enqueuer.CHUNK + "}");
    assertThat(f.spool.statuses().where(State.QUEUED).count()).isEqualTo(ids.size());
  }

  @Test
  void anEmptyListEnqueuesNothing() {
    assertThat(f.spool.enqueueAll(List.of())).isEmpty();
    assertThat(f.spool.tryEnqueueAll(List.of())).isEmpty();
  }

  /**
   * A job that cannot be encoded (here over the payload limit) deep in a bulk call, after chunks
   * were sent: a partial enqueue that says which went in, not a plain error that hides them (the
   * caller would enqueue them again). Before, the call threw PayloadTooLargeException with 500 jobs
   * queued. One in the first chunk still fails the call as a single job's would.
   */
  @Test
  void aJobThatCannotBeEncodedAfterChunksWereSentMakesAPartialEnqueue() {
    try (Spool small =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).maxPayloadBytes(1_024).build()) {
      List<Greeting> jobs = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        jobs.add(new Greeting("n" + i, i == 700 ? "x".repeat(2_000) : "hi"));
      }
      assertThatThrownBy(() -> small.enqueueAll(GREET, jobs))
          .isInstanceOfSatisfying(
              PartialEnqueueException.class,
              e -> {
                assertThat(e.enqueued()).hasSize(2 * Enqueuer.CHUNK);
                assertThat(e.notEnqueued()).hasSize(1_000 - 2 * Enqueuer.CHUNK);
                assertThat(e.notEnqueued()).contains(700);
                assertThat(e.maybeEnqueued()).isEmpty();
                assertThat(e.getCause()).isInstanceOf(PayloadTooLargeException.class);
              });
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(2L * Enqueuer.CHUNK);

      // Two queues: the first's job went in before the second's could not be encoded.
      List<JobSpec<?>> specs =
          List.of(
              JobSpec.of(GREET, new Greeting("a", "hi"), JobOptions.builder().queue("qa").build()),
              JobSpec.of(
                  GREET,
                  new Greeting("b", "x".repeat(2_000)),
                  JobOptions.builder().queue("qb").build()));
      assertThatThrownBy(() -> small.enqueueAll(specs))
          .isInstanceOfSatisfying(
              PartialEnqueueException.class,
              e -> {
                assertThat(e.enqueued()).containsOnlyKeys(0);
                assertThat(e.notEnqueued()).containsExactly(1);
              });
      assertThat(f.spool.monitor().counts("qa").ready()).isEqualTo(1);

      // In the first chunk of the first queue: nothing was sent, the job's own error.
      jobs.set(3, new Greeting("n3", "x".repeat(2_000)));
      assertThatThrownBy(() -> small.enqueueAll(GREET, jobs))
          .isInstanceOf(PayloadTooLargeException.class);
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(2L * Enqueuer.CHUNK);
    }
  }
}
