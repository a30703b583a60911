package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.SignalWait;
import dev.spool.testkit.RedisClusterSet;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spool on a real Redis Cluster of three masters, with queues spread over all three: every feature
 * runs, and every script and command stays in one slot (the cluster refuses any that does not:
 * CROSSSLOT for declared keys; on Redis 7 also for keys a script builds itself, and on 6.2 for
 * those of a slot on another node).
 */
class ClusterIT {
  @RegisterExtension static RedisClusterSet cluster = RedisClusterSet.create();

  record Report(String month) {}

  /** One queue per master, so that the tests cross nodes. */
  static List<String> queues;

  Spool spool;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void queuesOnEveryMaster() {
    Map<Integer, String> byMaster = new LinkedHashMap<>();
    for (int i = 0; byMaster.size() < RedisClusterSet.MASTERS; i++) {
      byMaster.putIfAbsent(cluster.masterPortOf("{q" + i + "}"), "q" + i);
    }
    queues = List.copyOf(byMaster.values());
  }

  Spool spool() {
    if (spool == null) {
      // In production, e.g. "redis://:s3cret@node1:6379,node2:6379,node3:6379".
      String clusterUri = cluster.uri();
      // snippet: cluster
      Spool clustered = Spool.builder().redis(clusterUri).namespace(SpoolRedis.namespace()).build();
      // end snippet
      spool = clustered;
      open.add(spool);
    }
    return spool;
  }

  Worker.Builder worker(String name) {
    return spool()
        .worker(name)
        .queues(queues.toArray(String[]::new))
        .lease(Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(2));
  }

  static JobType<Noop> type(String name, String queue) {
    return JobType.of(name, Noop.class).withQueue(queue);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void jobsOfQueuesOnEveryMasterRunWithOutcomesStatusesAndCounts() throws Exception {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    Worker.Builder w = worker("node-1").concurrency(8);
    for (String q : queues) {
      w.handle(
          type("job-" + q, q),
          (job, a) -> {
            job.put("queue", q);
            ran.add(q + "/" + a.n());
          });
    }
    open.add(w.start());

    List<JobId> ids = new ArrayList<>();
    for (String q : queues) {
      ids.add(spool().enqueue(type("job-" + q, q), new Noop(-1)));
      ids.addAll(spool().enqueueAll(type("job-" + q, q), Fixtures.noops(100)));
    }
    for (JobId id : ids.subList(0, 3)) {
      assertThat(spool().outcome(id).get(10, TimeUnit.SECONDS).result())
          .containsEntry("queue", id.queue());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> ran.size() == 3 * 101);

    for (String q : queues) {
      assertThat(spool().monitor().counts(q).completed()).isEqualTo(101);
      assertThat(spool().statuses().all().queue(q).where(State.SUCCEEDED).count()).isEqualTo(101);
      assertThat(spool().monitor().statusString(q)).startsWith("R=0 ");
    }
    assertThat(spool().monitor().queues()).containsAll(queues);
    JobStatus status = spool().statuses().find(ids.getLast()).orElseThrow();
    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(spool().statuses().all().ids(ids.subList(0, 5)).list()).hasSize(5);
    // A clipped page (the dashboard's) reads each queue's statuses in that queue's slot.
    assertThat(spool().statuses().all().clipped(10).limit(400).page(null).statuses())
        .hasSize(3 * 101);
  }

  @Test
  void delayedRetriedAndDeadJobsMoveBetweenTheirStructures() throws Exception {
    String q = queues.get(1);
    JobType<Noop> flaky = type("flaky", q).withRetry(Retry.fixed(3, Duration.ofMillis(100)));
    AtomicInteger attempts = new AtomicInteger();
    open.add(
        worker("node-1")
            .handle(
                flaky,
                (job, a) -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException("always broken");
                })
            .start());

    JobId delayed =
        spool()
            .enqueue(
                flaky, new Noop(1), JobOptions.builder().delay(Duration.ofMillis(300)).build());
    JobOutcome outcome = spool().outcome(delayed).get(20, TimeUnit.SECONDS);

    assertThat(outcome.state()).isEqualTo(State.FAILED);
    assertThat(attempts).hasValue(3);
    assertThat(spool().deadJobs().size(q)).isEqualTo(1);
    assertThat(spool().deadJobs().list(q, 0, 10)).hasSize(1);
    assertThat(spool().statuses().find(delayed).orElseThrow().errors()).isNotEmpty();
    assertThat(spool().deadJobs().purge(q)).isEqualTo(1);
  }

  @Test
  void uniqueLocksHoldInTheirQueuesSlot() {
    String q = queues.get(2);
    JobType<Noop> unique =
        type("unique", q).withUnique(Unique.<Noop>untilExecuted().onConflict(OnConflict.REJECT));

    EnqueueResult first = spool().tryEnqueue(unique, new Noop(7));
    EnqueueResult second = spool().tryEnqueue(unique, new Noop(7));

    assertThat(first.accepted()).isTrue();
    assertThat(second.accepted()).isFalse();
    assertThat(second.holder()).contains(first.jobId());
    assertThat(spool().tryEnqueue(unique, new Noop(8)).accepted()).isTrue();
  }

  @Test
  void aBatchWhosePartsRunOnQueuesOfOtherMastersCallsBackOnce() {
    List<String> callbacks = new CopyOnWriteArrayList<>();
    JobType<Report> report = JobType.of("report", Report.class).withQueue(queues.get(0));
    JobType<Noop> dayA = type("day-a", queues.get(1)).withRetry(Retry.none());
    JobType<Noop> dayB = type("day-b", queues.get(2)).withRetry(Retry.none());
    open.add(
        worker("node-1")
            .concurrency(8)
            .handle(dayA, (job, a) -> {})
            .handle(dayB, (job, a) -> {})
            .handle(report, (job, r) -> callbacks.add(r.month()))
            .start());

    Batch.Builder builder = spool().batch().onComplete(report, new Report("2026-11"));
    for (int d = 0; d < 20; d++) {
      builder.add(d % 2 == 0 ? dayA : dayB, new Noop(d));
    }
    Batch batch = builder.submit();

    await().atMost(Duration.ofSeconds(20)).until(() -> callbacks.size() == 1);
    assertThat(callbacks).containsExactly("2026-11");
    assertThat(spool().batch(batch.id()).isFinished()).isTrue();
  }

  @Test
  void aRecurringJobFiresAndIsListedAndCancelled() {
    JobType<Noop> ping = type("ping", queues.get(1));
    AtomicInteger pings = new AtomicInteger();
    open.add(worker("node-1").handle(ping, (job, a) -> pings.incrementAndGet()).start());

    spool().recurring("ping", Schedule.every(Duration.ofSeconds(1)), ping, new Noop(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() >= 2);
    assertThat(spool().cancelRecurring("ping")).isTrue();
  }

  @Test
  void aDistributedJobSaysDoneOnceWhilePartsRunOnSeveralMasters() {
    DistributedJob dj = spool().distributedJob("days");
    List<JobType<Noop>> types = queues.stream().map(q -> type("part-" + q, q)).toList();
    List<Boolean> lasts = new CopyOnWriteArrayList<>();
    Worker.Builder w = worker("node-1").concurrency(8);
    for (JobType<Noop> t : types) {
      w.handle(t, (job, a) -> lasts.add(dj.done(String.valueOf(a.n()))));
    }
    dj.pushEach(
        List.of(0, 1, 2, 3, 4, 5),
        (n, part) -> spool().enqueue(types.get(n % 3), new Noop(Integer.parseInt(part))));
    open.add(w.start());

    await().atMost(Duration.ofSeconds(10)).until(() -> lasts.size() == 6);
    assertThat(lasts.stream().filter(b -> b)).hasSize(1);
    assertThat(dj.isFinished()).isTrue();
  }

  @Test
  void nodesAreListedAndKillRequestsReachTheirNode() throws Exception {
    JobType<Noop> stuck = type("stuck", queues.get(2));
    open.add(worker("node-a").handle(stuck, (job, a) -> Fixtures.untilInterrupted()).start());
    open.add(worker("node-b").handle(stuck, (job, a) -> Fixtures.untilInterrupted()).start());

    assertThat(spool().monitor().nodes())
        .extracting(NodeInfo::name)
        .containsExactlyInAnyOrder("node-a", "node-b");
    JobId id = spool().enqueue(stuck, new Noop(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spool().statuses().find(id).orElseThrow().state() == State.STARTED);
    assertThat(
            spool().monitor().jobsFor("node-a").size() + spool().monitor().jobsFor("node-b").size())
        .isEqualTo(1);
    spool().statuses().find(id).orElseThrow().requestKill();
    assertThat(spool().outcome(id).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.KILLED);
  }

  @Test
  void statusesMadeByHandWorkOnTheClusterToo() {
    JobStatus s = spool().statuses().create();
    s.jobName("PublishBook");
    s.started();
    s.progress(0.5);
    s.addError(Map.of("msg", "x"));
    s.succeeded();

    JobStatus read = spool().statuses().find(s.id()).orElseThrow();
    assertThat(read.state()).isEqualTo(State.SUCCEEDED);
    assertThat(read.jobName()).contains("PublishBook");
    assertThat(read.errors()).hasSize(1);
    assertThat(spool().statuses().jobName("PublishBook").count()).isEqualTo(1);
  }

  @Test
  void idleWorkersWakeForJobsOfEveryMastersQueues() {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    Worker.Builder w = worker("node-1");
    for (String q : queues) {
      w.handle(type("wake-" + q, q), (job, a) -> ran.add(q));
    }
    open.add(w.start());
    Set<String> expected = new HashSet<>();
    for (String q : queues) {
      // The worker is idle, blocked on every queue's wake-up list: each enqueue wakes it (well
      // before the 2 s bound of a wait).
      spool().enqueue(type("wake-" + q, q), new Noop(1));
      expected.add(q);
      await().atMost(Duration.ofMillis(1500)).until(() -> ran.equals(expected));
    }
  }

  @Test
  void aBadClusterUriSaysWhatIsWrongWithoutItsPassword() {
    assertThatThrownBy(() -> Spool.builder().redis("redis://:pw@h1:7000,h2:7001/3").build())
        .isInstanceOf(InvalidRedisUriException.class)
        .hasMessageContaining("a Redis Cluster has only database 0")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> Spool.builder().redis("redis://:pw@h1:7000,h2").build())
        .isInstanceOf(InvalidRedisUriException.class)
        .hasMessageContaining("each node of a Redis Cluster needs host:port, got 'h2'")
        .hasMessageNotContaining("pw");
  }

  @Test
  void anIdleWaitLongerThanTheCommandTimeoutLosesNoWakeUp() {
    // Cut short at the command timeout, a slot's BLPOP would stay blocked in Redis, and the
    // wake-up element it popped later would be answered to no one: lost, and the wait not ended.
    String list = SpoolRedis.namespace() + ":{" + queues.getFirst() + "}:signal";
    RedisClient node = RedisClient.create("redis://127.0.0.1:" + cluster.masterPortOf(list));
    open.add(node::shutdown);
    RedisCommands<String, String> raw = node.connect().sync();
    try (RedisConnection quick = RedisConnection.open(cluster.uri(), Duration.ofSeconds(1));
        SignalWait wait = quick.openSignalWait(List.of(list), 120)) {
      CompletableFuture<Void> done =
          CompletableFuture.runAsync(
              () -> {
                try {
                  wait.await();
                } catch (InterruptedException e) {
                  throw new CompletionException(e);
                }
              },
              Thread::startVirtualThread);
      await().atMost(Duration.ofSeconds(10)).until(() -> raw.clientList().contains("cmd=blpop"));
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !done.isDone());
      raw.lpush(list, "1");
      await().atMost(Duration.ofSeconds(10)).until(done::isDone);
      assertThat(done).isNotCompletedExceptionally();
      assertThat(raw.exists(list)).isZero();
    }
  }

  /**
   * The namespace's list of queues has a slot of its own. While the master holding it does not
   * answer (a hung host; one that died, until its replica takes over), a process's first enqueue to
   * a queue whose slot serves failed on that list, and so did every queue of the namespace: the job
   * is enqueued now, and the queue listed by a later call.
   */
  @Test
  void aMasterNotAnsweringForTheListOfQueuesStopsNoEnqueueToAQueueWhoseSlotServes() {
    String namespace = SpoolRedis.namespace();
    int listMaster = cluster.masterPortOf(namespace + ":queues");
    String queue =
        queues.stream()
            .filter(q -> cluster.masterPortOf("{" + q + "}") != listMaster)
            .findFirst()
            .orElseThrow();
    JobType<Noop> type = type("listed-later", queue);
    Spool fresh =
        Spool.builder()
            .redis(cluster.uri())
            .namespace(namespace)
            .commandTimeout(Duration.ofSeconds(1))
            .build();
    open.add(fresh);
    RedisClient node = RedisClient.create("redis://127.0.0.1:" + listMaster);
    open.add(node::shutdown);
    RedisCommands<String, String> raw = node.connect().sync();
    raw.clientPause(4_000); // every client's commands wait: the master does not answer
    try {
      JobId id = fresh.enqueue(type, new Noop(1));

      assertThat(id.queue()).isEqualTo(queue);
      assertThat(fresh.statuses().find(id)).isPresent();
    } finally {
      raw.dispatch(
          io.lettuce.core.protocol.CommandType.CLIENT,
          new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
          new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
              .add("UNPAUSE"));
    }
    // Listed by a later call, once the pause after the failure (10 s) is over (the timed-out
    // SADD may also run when the master answers again).
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              fresh.enqueue(type, new Noop(2));
              return fresh.monitor().queues().contains(queue);
            });
  }
}
