package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code keepSucceeded(false)}, Spool's removeOnComplete: a job that succeeds is deleted at once,
 * with every index entry; awaited outcomes still arrive with their results; failures are kept.
 */
class KeepSucceededIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  Spool spool;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).keepSucceeded(false).build();
  }

  @AfterEach
  void tearDown() {
    spool.close();
    f.close();
  }

  private Worker.Builder worker() {
    return spool.worker("node-1").shutdownTimeout(Duration.ofSeconds(2));
  }

  @Test
  void aSucceededJobLeavesNothingBehindButItsCount() throws Exception {
    List<JobId> ids = spool.enqueueAll(NOOP, Fixtures.noops(600)); // two index buckets
    List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
    for (JobId id : ids.subList(0, 5)) {
      outcomes.add(spool.outcome(id));
    }
    try (Worker w = worker().handle(NOOP, (job, a) -> job.put("n", a.n())).start()) {
      for (int i = 0; i < outcomes.size(); i++) {
        JobOutcome outcome = outcomes.get(i).get(10, TimeUnit.SECONDS);
        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.result()).containsEntry("n", i);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> spool.monitor().counts("work").completed() == 600);
    }
    assertThat(spool.statuses().find(ids.getFirst())).isEmpty();
    assertThat(spool.statuses().where(State.SUCCEEDED).count()).isZero();
    assertThat(spool.statuses().where(State.STARTED).count()).isZero();
    assertThat(spool.statuses().where(State.QUEUED).count()).isZero();
    assertThat(spool.statuses().jobName("noop").count()).isZero();
    // Nothing per job is left: no job hash, no index entry, nothing on the Pruner's list.
    List<String> left = f.redis().keys(f.namespace + ":{work}:*");
    assertThat(left)
        .noneMatch(k -> k.contains(":job:") || k.contains(":ix:s:") || k.contains(":ix:n:"))
        .noneMatch(k -> k.endsWith(":finished"));
  }

  @Test
  void jobsOfTwoNamesWithNoResultLeaveNoIndexEntryAndAreAnnouncedWithNone() throws Exception {
    JobType<Noop> other = JobType.of("noop-other", Noop.class).withQueue("work");
    List<JobId> ids = new ArrayList<>(spool.enqueueAll(NOOP, Fixtures.noops(300)));
    ids.addAll(spool.enqueueAll(other, Fixtures.noops(300))); // two names over two buckets
    CompletableFuture<JobOutcome> first = spool.outcome(ids.getFirst());
    CompletableFuture<JobOutcome> last = spool.outcome(ids.getLast());
    try (Worker w = worker().handle(NOOP, (job, a) -> {}).handle(other, (job, a) -> {}).start()) {
      for (CompletableFuture<JobOutcome> outcome : List.of(first, last)) {
        JobOutcome done = outcome.get(10, TimeUnit.SECONDS);
        assertThat(done.succeeded()).isTrue();
        assertThat(done.result()).isNullOrEmpty();
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> spool.monitor().counts("work").completed() == 600);
    }
    assertThat(spool.statuses().jobName("noop").count()).isZero();
    assertThat(spool.statuses().jobName("noop-other").count()).isZero();
    assertThat(f.redis().keys(f.namespace + ":{work}:*"))
        .noneMatch(k -> k.contains(":job:") || k.contains(":ix:s:") || k.contains(":ix:n:"));
  }

  @Test
  void failedJobsKeepTheirStatus() throws Exception {
    JobType<Noop> once = NOOP.withRetry(Retry.none());
    JobId failing = spool.enqueue(once, new Noop(1));
    JobId fine = spool.enqueue(once, new Noop(2));
    try (Worker w =
        worker()
            .handle(
                once,
                (job, a) -> {
                  if (a.n() == 1) {
                    throw new IllegalStateException("broke");
                  }
                })
            .start()) {
      assertThat(spool.outcome(failing).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> spool.monitor().counts("work").completed() == 1);
    }
    assertThat(spool.statuses().find(failing))
        .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(State.FAILED));
    assertThat(spool.statuses().find(fine)).isEmpty();
  }

  @Test
  void anOutcomeAskedForAfterTheJobWasDeletedFailsClearly() throws Exception {
    JobId id = spool.enqueue(NOOP, new Noop(1));
    try (Worker w = worker().handle(NOOP, (job, a) -> {}).start()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> spool.monitor().counts("work").completed() == 1);
    }
    assertThatThrownBy(() -> spool.outcome(id).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("no job '" + id + "'");
  }

  @Test
  void batchPartsAreDeletedAndTheBatchStillCompletes() throws Exception {
    JobType<Noop> report = JobType.of("report", Noop.class).withQueue("work");
    List<Integer> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    Batch.Builder builder = spool.batch().onComplete(report, new Noop(99));
    for (int i = 0; i < 20; i++) {
      builder.add(NOOP, new Noop(i));
    }
    builder.submit();
    try (Worker w =
        worker()
            .handle(NOOP, (job, a) -> {})
            .handle(report, (job, a) -> reports.add(a.n()))
            .start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> reports.size() == 1);
    }
    assertThat(spool.statuses().where(State.SUCCEEDED).count()).isZero();
    assertThat(f.redis().keys(f.namespace + ":{work}:ix:b:*")).isEmpty();
  }
}
