package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis ACL users: a missing channel permission is named when Spool connects, before any script
 * could write and then fail to publish; the minimal ACLs of docs/operations.md are enough.
 */
class AclIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  final String namespace = SpoolRedis.namespace();
  final String user = "u-" + namespace;
  final List<AutoCloseable> open = new ArrayList<>();
  RedisClient rawClient;
  StatefulRedisConnection<String, String> raw;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (raw != null) {
      raw.sync().aclDeluser(user);
      raw.close();
      rawClient.shutdown();
    }
  }

  StatefulRedisConnection<String, String> raw() {
    if (raw == null) {
      rawClient = RedisClient.create(redis.uri());
      raw = rawClient.connect();
    }
    return raw;
  }

  String acl(String... args) {
    raw();
    CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
    for (String a : args) {
      commandArgs.add(a);
    }
    return raw.sync().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), commandArgs);
  }

  /** Creates the test's user with these rules (password "pw"). */
  void user(String... rules) {
    List<String> args = new ArrayList<>(List.of("SETUSER", user, "reset", "on", ">pw"));
    args.addAll(List.of(rules));
    acl(args.toArray(String[]::new));
  }

  /** The test's user with the rights docs/operations.md gives a worker, and these rules after. */
  void docsUserWith(String... rules) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "~" + namespace + ":*",
                "resetchannels",
                "&" + namespace + ":*",
                "+@all",
                "-@dangerous"));
    all.addAll(List.of(rules));
    user(all.toArray(String[]::new));
  }

  Spool connectAsUser() {
    Spool spool =
        Spool.builder()
            .redis("redis://" + user + ":pw@" + redis.host() + ":" + redis.port())
            .namespace(namespace)
            .build();
    open.add(spool);
    return spool;
  }

  boolean isRedis7() {
    return Integer.parseInt(redis.version().split("\\.")[0]) >= 7;
  }

  @Test
  void aUserWithoutChannelPermissionsIsRefusedAtConnectWithTheMissingPermissionNamed() {
    user("~" + namespace + ":*", "resetchannels", "+@all");

    assertThatThrownBy(this::connectAsUser)
        .isInstanceOf(RedisPermissionException.class)
        .hasMessageContaining("may not publish on Spool's channels '" + namespace + ":*'")
        .hasMessageContaining("its keys need ~" + namespace + ":* too")
        .hasMessageContaining("&" + namespace + ":*");
  }

  @Test
  void onRedis7ANewUserHasNoChannelsAndIsRefusedAtConnect() {
    assumeTrue(isRedis7(), "Redis 7 gives new users resetchannels; 6.2 allchannels");
    user("~" + namespace + ":*", "+@all"); // no channel rule: Redis 7's default applies

    assertThatThrownBy(this::connectAsUser).isInstanceOf(RedisPermissionException.class);
  }

  @Test
  void theMinimalWorkerAclOfTheDocsRunsJobsAndDeliversOutcomes() throws Exception {
    // As in docs/operations.md, "ACL users" (a worker).
    docsUserWith();
    Spool spool = connectAsUser();
    Worker worker =
        spool.worker("node-1").lease(Duration.ofSeconds(5)).handle(NOOP, (job, a) -> {}).start();
    open.add(worker);

    JobId now = spool.enqueue(NOOP, new Noop(1));
    JobId later =
        spool.enqueue(
            NOOP, new Noop(2), JobOptions.builder().delay(Duration.ofMillis(200)).build());

    assertThat(spool.outcome(now).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(spool.outcome(later).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
  }

  @Test
  void theMinimalClientAclOfTheDocsEnqueuesCancelsAndReads() {
    // As in docs/operations.md, "ACL users" (a client: the same rights).
    docsUserWith();
    Spool spool = connectAsUser();

    JobId delayed =
        spool.enqueue(NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofMinutes(5)).build());
    assertThat(spool.cancel(delayed)).isTrue();
    assertThat(spool.statuses().findOrUnknown(delayed).state()).isEqualTo(State.KILLED);
    assertThat(spool.monitor().counts("work").delayed()).isZero();
  }

  /**
   * A completion whose write is refused partway (here DEL, which deletes a succeeded job when
   * statuses of succeeded jobs are not kept, denied by the user's ACL): the jobs' leases go first,
   * so a call that failed there left every job of the acknowledgement batch started with no lease,
   * which nothing ever finds again. Each job is written on its own now, and one whose write fails
   * is dead with Redis's error, where an operator sees it and can retry it once the ACL is mended.
   */
  @Test
  void aCompletionRefusedByTheAclLeavesEachJobDeadWithTheErrorNoneStartedForEver() {
    docsUserWith("-del");
    Spool spool =
        Spool.builder()
            .redis("redis://" + user + ":pw@" + redis.host() + ":" + redis.port())
            .namespace(namespace)
            .keepSucceeded(false)
            .build();
    open.add(spool);
    Worker worker =
        spool.worker("node-1").lease(Duration.ofSeconds(5)).handle(NOOP, (job, a) -> {}).start();
    open.add(worker);

    List<JobId> ids = spool.enqueueAll(NOOP, Fixtures.noops(5));

    await().atMost(Duration.ofSeconds(10)).until(() -> spool.deadJobs().size("work") == 5);
    assertThat(spool.deadJobs().list("work", 0, 10))
        .allSatisfy(
            d ->
                assertThat(d.error())
                    .contains("corrupt job: its completion failed:")
                    .contains("command"));
    assertThat(ids)
        .allSatisfy(
            id -> assertThat(spool.statuses().findOrUnknown(id).state()).isEqualTo(State.FAILED));
    assertThat(spool.monitor().counts("work").processing()).isZero();
  }

  /**
   * A reap refused partway (putting a job back at the head of its queue, LPUSH denied by the
   * reaping node's ACL): each lease is taken off before its job is changed, so the job was left
   * started with no lease, for good. It is dead with the error now, and the other lease of the dead
   * node (a job with no attempt left, which needs no LPUSH) is reaped as usual.
   */
  @Test
  void aReapRefusedByTheAclLeavesTheJobDeadWithTheErrorNotStartedForEver() throws Exception {
    JobType<Noop> fragile =
        JobType.of("fragile", Noop.class).withQueue("work").withRetry(Retry.none());
    Spool admin = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    open.add(admin);
    JobId retried = admin.enqueue(NOOP, new Noop(1));
    JobId last = admin.enqueue(fragile, new Noop(2));
    CountDownLatch held = new CountDownLatch(2);
    Handler<Noop> hold =
        (job, a) -> {
          held.countDown();
          Fixtures.untilInterrupted();
        };
    Worker doomed =
        admin
            .worker("doomed")
            .lease(Duration.ofMillis(900))
            .concurrency(2)
            .handle(NOOP, hold)
            .handle(fragile, hold)
            .start();
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    doomed.halt(); // a crash: both leases are left to expire

    docsUserWith("-lpush");
    Spool spool = connectAsUser();
    Worker survivor =
        spool
            .worker("survivor")
            .lease(Duration.ofMillis(900))
            .handle(NOOP, (job, a) -> {})
            .handle(fragile, (job, a) -> {})
            .start();
    open.add(survivor);

    await().atMost(Duration.ofSeconds(15)).until(() -> spool.deadJobs().size("work") == 2);
    assertThat(spool.deadJobs().list("work", 0, 10))
        .anySatisfy(
            d -> {
              assertThat(d.id()).isEqualTo(retried);
              assertThat(d.error())
                  .contains("corrupt job: its reaping failed:")
                  .contains("command");
            })
        .anySatisfy(
            d -> {
              assertThat(d.id()).isEqualTo(last);
              assertThat(d.error()).contains("lease expired on node 'doomed'");
            });
    assertThat(spool.monitor().counts("work").processing()).isZero();
  }

  /**
   * A job whose staging is refused (here RPUSH to the ready list, denied by a Redis 7 ACL selector
   * that lets the node push wake-up tokens only): the stage call failed at that job on every try,
   * and the job stayed first in the delayed set, so no job due after it was ever staged. It is dead
   * with the error now, and the job behind it (a priority job, which goes to the priority set) is
   * staged and runs.
   */
  @Test
  void aJobWhoseStagingIsRefusedIsDeadAndTheJobsDueAfterItAreStaged() throws Exception {
    assumeTrue(isRedis7(), "ACL selectors are Redis 7's");
    Spool admin = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    open.add(admin);
    JobId plain =
        admin.enqueue(
            NOOP, new Noop(1), JobOptions.builder().delay(Duration.ofMillis(300)).build());
    JobId urgent =
        admin.enqueue(
            NOOP,
            new Noop(2),
            JobOptions.builder().delay(Duration.ofMillis(600)).priority(5).build());

    docsUserWith("-rpush", "(+rpush ~" + namespace + ":{work}:signal*)");
    Spool spool = connectAsUser();
    List<Integer> ran = new CopyOnWriteArrayList<>();
    Worker worker = spool.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    open.add(worker);

    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> spool.deadJobs().size("work") == 1);
    assertThat(spool.deadJobs().list("work", 0, 10).getFirst().id()).isEqualTo(plain);
    assertThat(spool.deadJobs().list("work", 0, 10).getFirst().error())
        .contains("corrupt job: its staging failed:");
    assertThat(spool.statuses().findOrUnknown(urgent).state()).isEqualTo(State.SUCCEEDED);
    assertThat(ran).containsExactly(2);
  }

  /**
   * A drain refused partway (an operator's user denied EXPIRE, which gives a drained job's status
   * its retention): the jobs were popped off their lists, so a failed call lost every one of them
   * (queued in no list, never run nor ended). Each is dead with the error now.
   */
  @Test
  void aDrainRefusedByTheAclLeavesEachJobDeadWithTheErrorNoneLost() {
    Spool admin = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    open.add(admin);
    List<JobId> ids = admin.enqueueAll(NOOP, Fixtures.noops(3));

    docsUserWith("-expire");
    Spool operator = connectAsUser();
    assertThat(operator.queue("work").drain()).isZero();

    assertThat(operator.deadJobs().size("work")).isEqualTo(3);
    assertThat(operator.deadJobs().list("work", 0, 10))
        .allSatisfy(d -> assertThat(d.error()).contains("corrupt job: its drain failed:"));
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(operator.statuses().findOrUnknown(id).state()).isEqualTo(State.FAILED));
  }

  /**
   * Routing refused partway (RPUSH to the plain ready list denied by a Redis 7 ACL selector that
   * lets the node push wake-up tokens only): the jobs pinned to a dead node are popped off its list
   * a slice at a time, so a failed call lost the whole slice. The job whose move failed is dead
   * with the error now, and the one after it (a priority job, which goes to the priority set) runs.
   */
  @Test
  void aJobWhoseRoutingIsRefusedIsDeadAndTheOthersOfTheSliceRun() {
    assumeTrue(isRedis7(), "ACL selectors are Redis 7's");
    Spool admin = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    open.add(admin);
    JobId plain = admin.enqueue(NOOP, new Noop(1), JobOptions.builder().node("gone").build());
    JobId urgent =
        admin.enqueue(NOOP, new Noop(2), JobOptions.builder().node("gone").priority(5).build());
    // The enqueuer saw no node "gone" alive and made them ready for any node; as if it had been
    // alive then, they wait in its list, for routing to release.
    var r = raw().sync();
    String qp = namespace + ":{work}:";
    r.lrem(qp + "ready", 0, "1");
    r.zrem(qp + "prio", "2");
    r.rpush(qp + "ready:~gone", "1", "2");
    r.sadd(qp + "pinned", "gone");

    docsUserWith("-rpush", "(+rpush ~" + namespace + ":{work}:signal*)");
    Spool spool = connectAsUser();
    List<Integer> ran = new CopyOnWriteArrayList<>();
    Worker worker = spool.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    open.add(worker);

    await().atMost(Duration.ofSeconds(15)).until(() -> ran.contains(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> spool.deadJobs().size("work") == 1);
    DeadJob dead = spool.deadJobs().list("work", 0, 10).getFirst();
    assertThat(dead.id()).isEqualTo(plain);
    assertThat(dead.error()).contains("corrupt job: its routing failed:");
    assertThat(spool.statuses().findOrUnknown(urgent).state()).isEqualTo(State.SUCCEEDED);
  }

  /**
   * A hand-back at a stop refused (LPUSH, which puts the job back at the head of its queue, denied
   * by the node's ACL): the lease was taken off first, so the job was left started with no lease
   * for good. It is dead with the error now.
   */
  @Test
  void aHandBackRefusedByTheAclLeavesTheJobDeadWithTheErrorNotStartedForEver() throws Exception {
    docsUserWith("-lpush");
    Spool spool = connectAsUser();
    CountDownLatch started = new CountDownLatch(1);
    Worker worker =
        spool
            .worker("node-1")
            .shutdownTimeout(Duration.ofMillis(200))
            .handle(
                NOOP,
                (job, a) -> {
                  started.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    JobId id = spool.enqueue(NOOP, new Noop(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    worker.stop();

    assertThat(spool.deadJobs().size("work")).isEqualTo(1);
    assertThat(spool.deadJobs().list("work", 0, 10).getFirst().error())
        .contains("corrupt job: its hand-back failed:");
    assertThat(spool.statuses().findOrUnknown(id).state()).isEqualTo(State.FAILED);
    assertThat(spool.monitor().counts("work").processing()).isZero();
  }

  /**
   * A reclaim (a node that never got a fetch's answer hands its jobs back) refused for its jobs
   * (LPUSH denied by the node's ACL): the lease of the first was taken off before the error, which
   * ended the call, so that job was left started with no lease for good, and the one after it
   * waited for its lease. Each is dead with the error now.
   */
  @Test
  void aReclaimRefusedByTheAclLeavesEachJobDeadWithTheErrorNoneStartedForEver() {
    docsUserWith("-lpush");
    Spool spool = connectAsUser();
    RedisConnection connection =
        RedisConnection.open(
            "redis://" + user + ":pw@" + redis.host() + ":" + redis.port(), Duration.ofSeconds(10));
    open.add(connection);
    RedisJobStore store =
        new RedisJobStore(
            connection,
            new Keys(namespace),
            Duration.ofDays(7),
            10_000,
            Duration.ofDays(180),
            true);
    JobId a = spool.enqueue(NOOP, new Noop(1));
    JobId b = spool.enqueue(NOOP, new Noop(2));
    long nowMicros = System.currentTimeMillis() * 1000;
    assertThat(store.fetchJobs("work", "node-1", nowMicros, 30_000, 10, "run-1|1").jobs())
        .hasSize(2); // the answer the node "never got"

    assertThat(store.reclaim("work", "node-1", "run-1|1", nowMicros, 30_000).handedBack()).isZero();

    assertThat(spool.deadJobs().size("work")).isEqualTo(2);
    assertThat(spool.deadJobs().list("work", 0, 10))
        .allSatisfy(
            dead -> assertThat(dead.error()).contains("corrupt job: its hand-back failed:"));
    assertThat(spool.statuses().findOrUnknown(a).state()).isEqualTo(State.FAILED);
    assertThat(spool.statuses().findOrUnknown(b).state()).isEqualTo(State.FAILED);
    assertThat(spool.monitor().counts("work").processing()).isZero();
  }

  /**
   * A drained batch part whose report to its batch cannot be queued (RPUSH to the ready list denied
   * by a Redis 7 ACL selector): the report's job was left queued in no list, and the part was both
   * buried and ended as drained, in two state indexes at once. The report is logged in Redis's log
   * and left out now; the part ends drained, once.
   */
  @Test
  void aDrainedBatchPartWhoseReportCannotBeQueuedEndsDrainedOnceAndStrandsNoJob() {
    assumeTrue(isRedis7(), "ACL selectors are Redis 7's");
    Spool admin = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    open.add(admin);
    Batch batch = admin.batch().add(NOOP, new Noop(1)).submit();

    docsUserWith("-rpush", "(+rpush ~" + namespace + ":{work}:signal*)");
    Spool operator = connectAsUser();
    assertThat(operator.queue("work").drain()).isEqualTo(1);

    assertThat(operator.statuses().all().batch(batch.id()).list())
        .singleElement()
        .satisfies(st -> assertThat(st.state()).isEqualTo(State.KILLED));
    assertThat(operator.statuses().where(State.FAILED).count()).isZero();
    assertThat(operator.statuses().where(State.QUEUED).count()).isZero();
    assertThat(operator.deadJobs().size("work")).isZero();
  }

  /**
   * A job that frees a concurrency slot wakes a parked job (LPUSH at the head of the queue, here
   * denied by the node's ACL): that step is the parked job's, and its failure failed the freeing
   * job's completion, which was then dead as "its completion failed". It succeeds now; the parked
   * job stays parked, its limit noted for later fetches.
   */
  @Test
  void aParkedJobThatCannotBeWokenCostsTheJobThatFreedItsSlotNothing() throws Exception {
    JobType<Noop> single =
        JobType.of("single", Noop.class).withQueue("work").withConcurrencyLimit(1);
    docsUserWith("-lpush");
    Spool spool = connectAsUser();
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    Worker worker =
        spool
            .worker("node-1")
            .concurrency(2)
            .handle(
                single,
                (job, a) -> {
                  ran.add(a.n());
                  release.await();
                })
            .start();
    open.add(worker);
    JobId first = spool.enqueue(single, new Noop(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));
    JobId parked = spool.enqueue(single, new Noop(2));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spool.monitor().counts("work").ready() == 1 && ran.size() == 1);

    release.countDown();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spool.statuses().findOrUnknown(first).state() == State.SUCCEEDED);
    assertThat(spool.deadJobs().size("work")).isZero();
    assertThat(spool.statuses().findOrUnknown(parked).state()).isEqualTo(State.QUEUED);
  }
}
