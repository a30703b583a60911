package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Named worker nodes and the monitor API. */
class NodesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aSecondLiveNodeWithTheSameNameIsRefused() {
    Worker first = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    assertThatThrownBy(() -> f.worker("node-1").handle(NOOP, (job, a) -> {}).start())
        .isInstanceOfSatisfying(
            NodeNameInUseException.class, e -> assertThat(e.name()).isEqualTo("node-1"))
        .hasMessageContaining("a live worker node named 'node-1' is already running")
        .hasMessageContaining("pid " + ProcessHandle.current().pid());
    first.close();
    Worker again = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    assertThat(again.name()).isEqualTo("node-1");
  }

  @Test
  void aNodeRestartedUnderTheNameOfOneThatDiedTakesItOverAtOnce() {
    Worker crashed =
        f.worker("node-1").lease(Duration.ofSeconds(60)).handle(NOOP, (job, a) -> {}).start();
    crashed.halt(); // its registration would hold the name for a whole lease

    Worker restarted =
        f.worker("node-1").lease(Duration.ofSeconds(60)).handle(NOOP, (job, a) -> {}).start();
    assertThat(restarted.name()).isEqualTo("node-1");
    assertThatThrownBy(() -> f.worker("node-1").handle(NOOP, (job, a) -> {}).start())
        .as("a live holder keeps its name")
        .hasMessageContaining("a live worker node named 'node-1' is already running");
  }

  @Test
  void aNameHeldForAProcessOfThisHostThatNoLongerRunsIsTakenOver() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    registerAsIfBy("node-1", gone.pid());
    registerAsIfBy("node-2", ProcessHandle.current().parent().orElseThrow().pid());

    Worker w = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    assertThat(w.name()).isEqualTo("node-1");
    assertThatThrownBy(() -> f.worker("node-2").handle(NOOP, (job, a) -> {}).start())
        .as("a process that still runs keeps its name")
        .hasMessageContaining("a live worker node named 'node-2' is already running");
  }

  @Test
  void aNodeWhoseNameAnotherInstanceTookStopsAndRunsNoMoreJobs() throws Exception {
    java.util.List<Integer> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    Worker stale =
        f.worker("node-1")
            .lease(Duration.ofMillis(400))
            .handle(NOOP, (job, a) -> ran.add(a.n()))
            .start();
    f.spool.enqueue(NOOP, new Noop(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));
    // As a second node-1 does when this one was presumed dead (it stalled past its lease).
    registerAsIfBy("node-1", ProcessHandle.current().pid());

    // Before, it went on fetching (pinned jobs too) under a name two live nodes now shared.
    StopSummary summary = stale.whenStopped().get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(summary.handedBack()).isZero();
    assertThat(ran).containsExactly(1);
    assertThat(f.redis().get(f.namespace + ":{nodes}:name:node-1"))
        .as("the other instance keeps the name")
        .isEqualTo("instance-of-" + ProcessHandle.current().pid());
  }

  @Test
  void aNodeListsItsQueuesAgainAfterRedisLostThem() {
    f.worker("node-1").lease(Duration.ofMillis(400)).handle(NOOP, (job, a) -> {}).start();
    assertThat(f.spool.monitor().queues()).containsExactly("work");
    f.redis().del(f.namespace + ":queues"); // as a Redis restarted without its data

    // Before, the queue stayed unlisted (no stats, no pause) until some new process used it.
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.monitor().queues().contains("work"));
  }

  /**
   * Redis failing part-way through the read of the nodes fails the whole read: the list is not
   * shown without the nodes whose liveness could not be read (a page would lose them in a blip).
   */
  @Test
  void aListOfNodesWhoseReadFailsPartWayFailsWholeAndLeavesNoNodeOut() throws Exception {
    f.worker("node-a").handle(NOOP, (job, a) -> {}).start();
    f.worker("node-b").handle(NOOP, (job, a) -> {}).start();
    try (AnswerCuttingProxy proxy = new AnswerCuttingProxy(redis.port());
        Spool viaProxy = Spool.builder().redis(proxy.uri()).namespace(f.namespace).build()) {
      assertThat(viaProxy.monitor().nodes())
          .extracting(NodeInfo::name)
          .containsExactly("node-a", "node-b");

      // The registry's hash is read; the answer to whether node-b holds its name never comes.
      proxy.cutTheAnswerTo(f.namespace + ":{nodes}:name:node-b");

      assertThatThrownBy(() -> viaProxy.monitor().nodes())
          .isInstanceOf(SpoolConnectionException.class);
      assertThat(proxy.answersCut()).isOne();
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(viaProxy.monitor().nodes())
                      .extracting(NodeInfo::name)
                      .containsExactly("node-a", "node-b"));
    }
  }

  @Test
  void aRegistryKeyOfAnotherTypeReadsAsNoNodesNotAsAnError() {
    f.redis().set(f.namespace + ":{nodes}:info", "garbage");

    assertThat(f.spool.monitor().nodes()).isEmpty();
    assertThat(f.spool.monitor().pruneNodes(Duration.ZERO)).isEmpty();
  }

  /** What a node of process {@code pid} on this host would have registered, with a long lease. */
  private void registerAsIfBy(String name, long pid) throws Exception {
    String host = java.net.InetAddress.getLocalHost().getHostName();
    f.redis()
        .set(
            f.namespace + ":{nodes}:name:" + name,
            "instance-of-" + pid,
            io.lettuce.core.SetArgs.Builder.px(60_000));
    f.redis()
        .hset(
            f.namespace + ":{nodes}:info",
            name,
            ("{\"host\":\"%s\",\"pid\":%d,\"queues\":[\"work\"],\"concurrency\":1,"
                    + "\"busy\":0,\"startedAtMs\":0,\"heartbeatMs\":0,\"saturatedSinceMs\":0}")
                .formatted(host, pid));
  }

  @Test
  void nodesAreListedWithWhatTheyRunAndADeadNodeShowsDead() {
    Worker alive =
        f.worker("alive")
            .queues("work", "other")
            .concurrency(3)
            .handle(NOOP, (job, a) -> {})
            .start();
    Worker doomed = f.worker("doomed").handle(NOOP, (job, a) -> {}).start();
    assertThat(f.spool.monitor().nodes())
        .extracting(NodeInfo::name)
        .containsExactly("alive", "doomed");
    NodeInfo info = f.spool.monitor().nodes().getFirst();
    assertThat(info.queues()).containsExactly("work", "other");
    assertThat(info.concurrency()).isEqualTo(3);
    assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(info.host()).isNotBlank();
    assertThat(info.alive()).isTrue();

    doomed.halt();
    await().atMost(Duration.ofSeconds(10)).until(() -> !f.spool.monitor().nodes().get(1).alive());
    assertThat(f.spool.monitor().nodes().getFirst().alive()).isTrue();
    alive.close();
    assertThat(f.spool.monitor().nodes()).extracting(NodeInfo::name).containsExactly("doomed");
  }

  @Test
  void deadNodesAreForgottenOnceSilentLongEnoughAndLiveOnesNever() {
    Worker alive = f.worker("alive").handle(NOOP, (job, a) -> {}).start();
    Worker doomed = f.worker("doomed").handle(NOOP, (job, a) -> {}).start();
    doomed.halt();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().nodes().stream().anyMatch(n -> !n.alive()));

    assertThat(f.spool.monitor().pruneNodes(Monitor.DEAD_NODES_KEPT)).isEmpty();
    assertThat(f.spool.monitor().nodes()).extracting(NodeInfo::name).contains("doomed");

    assertThat(f.spool.monitor().pruneNodes(Duration.ZERO)).containsExactly("doomed");
    assertThat(f.spool.monitor().nodes()).extracting(NodeInfo::name).containsExactly("alive");
    alive.close();
  }

  /**
   * A dead node is forgotten by a node that leads the pruning of any of its queues: only the leader
   * of its first queue did it, so two nodes listing their queues in opposite orders, each leading
   * the other's first, left every dead node for good.
   */
  @Test
  void deadNodesAreForgottenByANodeThatLeadsThePruningOfAQueueOtherThanItsFirst() {
    Worker doomed = f.worker("doomed").handle(NOOP, (job, a) -> {}).start();
    doomed.halt();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().nodes().stream().anyMatch(n -> !n.alive()));
    // Another node leads the pruning of "first".
    f.redis().set(f.namespace + ":{first}:leader:prune", "elsewhere", SetArgs.Builder.px(600_000));

    // Two hours on, with prunes every second (a tenth of a 10 s retention).
    MutableClock later = new MutableClock(Instant.now().plus(Duration.ofHours(2)));
    try (Spool spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .clock(later)
            .retention(Duration.ofSeconds(10))
            .build()) {
      Worker second =
          spool.worker("second").queues("first", "work").handle(NOOP, (job, a) -> {}).start();
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> f.spool.monitor().nodes().stream().noneMatch(n -> n.name().equals("doomed")));
      assertThat(second.maintenanceCalls("prune")).isPositive();
      assertThat(f.redis().get(f.namespace + ":{first}:leader:prune")).isEqualTo("elsewhere");
      second.close();
    }
  }

  @Test
  void jobsForANodeCanBeListedLoadedAndDestroyed() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    f.spool.enqueueAll(NOOP, Fixtures.noops(2));
    f.worker("busy")
        .concurrency(2)
        .handle(
            NOOP,
            (job, a) -> {
              started.countDown();
              Fixtures.untilInterrupted();
            })
        .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    var held = f.spool.monitor().jobsFor("busy");
    assertThat(held).hasSize(2);
    assertThat(f.spool.monitor().jobsFor("nobody")).isEmpty();
    assertThat(f.spool.monitor().load(held.getFirst()))
        .map(JobStatus::state)
        .contains(State.STARTED);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().nodes().getFirst().busy() == 2);

    assertThat(f.spool.monitor().destroy(held.getFirst())).isTrue();
    assertThat(f.spool.monitor().load(held.getFirst())).isEmpty();
    assertThat(f.spool.monitor().destroyAllJobsFor("busy")).isEqualTo(1);
    assertThat(f.spool.monitor().jobsFor("busy")).isEmpty();
    assertThat(f.spool.monitor().destroy(new JobId("work", 999))).isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").processing() == 0);
    f.spool.enqueue(NOOP, new Noop(3));
    QueueCounts c = f.spool.monitor().counts("work");
    assertThat(c.ready() + c.processing()).as("the node runs on after the destroys").isEqualTo(1);
  }
}
