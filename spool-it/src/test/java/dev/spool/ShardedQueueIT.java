package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.RedisClusterSet;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One queue sharded over the three masters of a real Redis Cluster: its jobs spread over the
 * shards, one worker of the queue runs them all, and counts, queries, unique locks and batch
 * callbacks see one queue.
 */
class ShardedQueueIT {
  @RegisterExtension static RedisClusterSet cluster = RedisClusterSet.create();

  record Report(String month) {}

  static final JobType<Noop> MAIL = JobType.of("mail", Noop.class).withQueue("mail");

  Spool spool;

  @BeforeEach
  void connect() {
    // snippet: sharded-queue
    spool =
        Spool.builder()
            .redis(cluster.uri())
            .namespace(SpoolRedis.namespace())
            .shardedQueue("mail", 3)
            .build();
    // end snippet
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void theShardsLieOnSeveralMastersAndOneWorkerRunsEveryJob() throws Exception {
    Set<Integer> masters = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      masters.add(cluster.masterPortOf("{mail.shard" + i + "}"));
    }
    assertThat(masters).hasSizeGreaterThan(1);

    List<JobId> ids = spool.enqueueAll(MAIL, Fixtures.noops(300));
    assertThat(ids.stream().map(JobId::queue).distinct())
        .containsExactlyInAnyOrder("mail.shard0", "mail.shard1", "mail.shard2");
    assertThat(spool.monitor().counts("mail").ready()).isEqualTo(300);
    assertThat(spool.monitor().counts("mail.shard1").ready()).isEqualTo(100);
    assertThat(spool.monitor().queues()).contains("mail").doesNotContain("mail.shard0");

    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    try (Worker worker =
        spool.worker("node-1").concurrency(8).handle(MAIL, (job, a) -> ran.add(a.n())).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ran.size() == 300);
      assertThat(spool.outcome(ids.getFirst()).get(5, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(spool.statuses().all().queue("mail").where(State.SUCCEEDED).count())
          .isEqualTo(300);
      assertThat(spool.monitor().counts("mail").completed()).isEqualTo(300);
      // What the dashboard, the gauges and the health check read: the sums over the shards.
      QueuesSnapshot snapshot = spool.monitor().snapshot(List.of("mail"));
      assertThat(snapshot.counts())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.queue()).isEqualTo("mail");
                assertThat(c.completed()).isEqualTo(300);
              });
      assertThat(snapshot.version()).isGreaterThanOrEqualTo(600); // 300 enqueued, 300 succeeded
      assertThat(spool.monitor().throughput("mail").succeeded()).isEqualTo(300);
    }
  }

  @Test
  void aPauseAndALimitHoldEveryShard() {
    QueueControl mail = spool.queue("mail");
    assertThat(mail.pause()).isTrue();
    mail.limitConcurrency(6); // 2 a shard
    assertThat(mail.concurrencyLimit()).hasValue(2);
    spool.enqueueAll(MAIL, Fixtures.noops(30));
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    try (Worker worker =
        spool.worker("node-1").concurrency(8).handle(MAIL, (job, a) -> ran.add(a.n())).start()) {
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(2))
          .until(() -> ran.isEmpty());
      assertThat(mail.isPaused()).isTrue();
      assertThat(mail.resume()).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> ran.size() == 30);
    }
    mail.removeLimits();
    assertThat(mail.concurrencyLimit()).isEmpty();
  }

  @Test
  void aUniqueJobMeetsItsLockWhicheverClientEnqueuesIt() {
    JobType<Noop> unique =
        MAIL.withUnique(Unique.<Noop>untilExecuted().onConflict(OnConflict.REJECT));
    EnqueueResult first = spool.tryEnqueue(unique, new Noop(7));
    List<EnqueueResult> again =
        spool.tryEnqueueAll(
            List.of(JobSpec.of(unique, new Noop(7)), JobSpec.of(unique, new Noop(7))));

    assertThat(first.accepted()).isTrue();
    assertThat(again).allSatisfy(r -> assertThat(r.accepted()).isFalse());
    assertThat(again).allSatisfy(r -> assertThat(r.holder()).contains(first.jobId()));
  }

  @Test
  void aBatchOfShardedJobsCallsBackOnceOnTheQueuesFirstShard() {
    List<String> callbacks = new CopyOnWriteArrayList<>();
    JobType<Report> report = JobType.of("report", Report.class).withQueue("mail");
    Batch.Builder builder = spool.batch().onComplete(report, new Report("2026-11"));
    for (int d = 0; d < 12; d++) {
      builder.add(MAIL, new Noop(d));
    }
    Batch batch = builder.submit();
    try (Worker worker =
        spool
            .worker("node-1")
            .handle(MAIL, (job, a) -> {})
            .handle(report, (job, r) -> callbacks.add(job.id().queue()))
            .start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> callbacks.size() == 1);
    }
    assertThat(callbacks).containsExactly("mail.shard0");
    assertThat(spool.batch(batch.id()).isFinished()).isTrue();
  }
}
