package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.KillArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DelayedJobsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  final Map<Integer, Instant> started = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  private void startWorker() {
    f.worker("node-1").handle(NOOP, (job, a) -> started.put(a.n(), Instant.now())).start();
  }

  @Test
  void delayedJobWaitsUntilDueThenRuns() {
    startWorker();
    Instant enqueued = Instant.now();
    JobId id =
        f.spool.enqueue(
            NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofMillis(700)).build());
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("scheduled");
    assertThat(f.spool.monitor().counts("work").delayed()).isEqualTo(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey(1));
    assertThat(started.get(1)).isAfterOrEqualTo(enqueued.plusMillis(700));
    assertThat(f.spool.monitor().counts("work").delayed()).isZero();
  }

  @Test
  void runAtIsHonouredAndAnEarlierJobWakesTheSleepingStager() {
    startWorker();
    // The stager first sleeps towards a job due in an hour...
    f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofHours(1)).build());
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !started.containsKey(1));
    // ...then a job due sooner arrives and must run on time, not in an hour.
    Instant due = Instant.now().plusMillis(500);
    f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().runAt(due).build());

    await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey(2));
    assertThat(started.get(2)).isAfterOrEqualTo(due);
    assertThat(started).doesNotContainKey(1);
  }

  @Test
  void runAtInThePastRunsAtOnce() {
    JobId id =
        f.spool.enqueue(
            NOOP, new Noop(1), JobOptions.builder().runAt(Instant.now().minusSeconds(60)).build());
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("queued");
    startWorker();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey(1));
  }

  @Test
  void aCancelledDelayedJobNeverRuns() {
    JobId id =
        f.spool.enqueue(
            NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofMillis(300)).build());
    f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().delay(Duration.ofMillis(600)).build());
    assertThat(f.spool.cancel(id)).isTrue();
    startWorker();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey(2));
    assertThat(started).doesNotContainKey(1);
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("killed");
  }

  @Test
  void aDelayedJobRunsNowWhenAskedAndOnlyAWaitingOneCan() {
    JobId later =
        f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofHours(1)).build());
    JobId ready = f.spool.enqueue(NOOP, new Noop(2));
    startWorker();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey(2));
    assertThat(f.spool.runNow(ready)).isFalse(); // not waiting: it ran
    assertThat(f.spool.runNow(new JobId("work", 999_999))).isFalse(); // no such job

    assertThat(f.spool.runNow(later)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.containsKey(1));
    assertThat(f.spool.monitor().counts("work").delayed()).isZero();
    assertThat(f.spool.statuses().find(later).orElseThrow().timestamp(Timestamp.QUEUED_AT))
        .isPresent();
  }

  @Test
  void manyDelayedJobsDueTogetherAllRun() {
    Instant due = Instant.now().plusMillis(300);
    f.spool.enqueueAll(NOOP, Fixtures.noops(2500), JobOptions.builder().runAt(due).build());
    startWorker();
    await().atMost(Duration.ofSeconds(30)).until(() -> started.size() == 2500);
    assertThat(f.spool.monitor().counts("work"))
        .isEqualTo(new QueueCounts("work", 0, 0, 0, 2500, 0));
  }

  /**
   * A backlog of delayed jobs all due at once is staged a bounded number of calls per queue and
   * pass (10 of 1 000 jobs), the next pass coming at once: another queue's due jobs and ticks wait
   * for one slice of it, not for all of it. Without the bound, one pass took the whole backlog.
   */
  @Test
  void aBacklogDueAtOnceIsStagedInBoundedPassesThatGoOnAtOnce() {
    Instant due = Instant.now().plusMillis(200);
    f.spool.enqueueAll(NOOP, Fixtures.noops(25_000), JobOptions.builder().runAt(due).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(due));
    Worker worker = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> f.spool.monitor().counts("work").delayed() == 0);
    assertThat(worker.stagerPasses()).as("passes over 25 000 due jobs").isGreaterThanOrEqualTo(3);
  }

  /** The ids of the pub/sub connections Redis has now. */
  private Set<String> pubSubClientIds() {
    Set<String> ids = new HashSet<>();
    for (String line : f.redis().clientList().split("\n")) {
      if (line.contains(" sub=1 ") || line.contains(" psub=1 ")) {
        for (String field : line.split(" ")) {
          if (field.startsWith("id=")) {
            ids.add(field.substring(3));
          }
        }
      }
    }
    return ids;
  }

  /**
   * Due times published while a node's link was down are lost (a Redis restart drops every node's
   * link at once): the node goes over the schedule as soon as the link is back, rather than at its
   * 30-second safety net, so delays and retry backoffs due meanwhile are not up to 30 s late.
   */
  @Test
  void aNodeGoesOverTheScheduleAsSoonAsItsDueTimeLinkReconnects() {
    Set<String> before = pubSubClientIds();
    Worker worker =
        f.worker("node-1").handle(NOOP, (job, a) -> started.put(a.n(), Instant.now())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !before.containsAll(pubSubClientIds()));
    Set<String> links = pubSubClientIds();
    links.removeAll(before);
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.stagerPasses() > 0);
    long passes = worker.stagerPasses();

    for (String id : links) {
      f.redis().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> worker.stagerPasses() > passes);
  }
}
