package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node affinity: node, strictNode, notNode, and the fallback of non-strict jobs. */
class AffinityIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  final Map<Integer, String> ranOn = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  Worker node(String name) {
    return f.worker(name)
        .concurrency(4)
        .handle(NOOP, (job, a) -> ranOn.put(a.n(), job.node()))
        .start();
  }

  static JobOptions on(String node) {
    return JobOptions.builder().node(node).build();
  }

  @Test
  void jobsPinnedToANodeRunThereAndWakeIt() {
    node("n1");
    node("n2");
    node("n3");
    f.spool.enqueueAll(NOOP, Fixtures.noops(100), on("n2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.size() == 100);
    assertThat(ranOn.values()).containsOnly("n2");
  }

  @Test
  void aNonStrictJobForADeadNodeRunsElsewhere() {
    node("n1");
    f.spool.enqueue(NOOP, new Noop(1), on("ghost"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.containsKey(1));
    assertThat(ranOn).containsEntry(1, "n1");
  }

  @Test
  void aStrictJobWaitsForItsNodeAndRunsOnlyThere() {
    node("n1");
    JobId id =
        f.spool.enqueue(
            NOOP, new Noop(1), JobOptions.builder().node("later").strictNode(true).build());
    // Several routing rounds of n1 (every 450 ms here) pass: the job stays for its node.
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(ranOn::isEmpty);
    assertThat(ranOn).isEmpty();
    assertThat(f.spool.statuses().find(id).orElseThrow().state()).isEqualTo(State.QUEUED);
    node("later");
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.containsKey(1));
    assertThat(ranOn).containsEntry(1, "later");
  }

  @Test
  void aJobPinnedToASaturatedNodeRunsElsewhereSoonWithTheDefaultFallback() throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    f.worker("slow")
        .concurrency(1)
        .handle(
            NOOP,
            (job, a) -> {
              if (a.n() == 0) {
                busy.countDown();
                Fixtures.untilInterrupted();
              }
              ranOn.put(a.n(), job.node());
            })
        .start();
    f.spool.enqueue(NOOP, new Noop(0), on("slow"));
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    f.worker("spare").handle(NOOP, (job, a) -> ranOn.put(a.n(), job.node())).start();
    f.spool.enqueue(NOOP, new Noop(1), on("slow"));
    // The default fallback is 1 s (it was 30 s): the bound leaves room for a busy machine only.
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.containsKey(1));
    assertThat(ranOn).containsEntry(1, "spare");
  }

  @Test
  void notNodeIsNeverViolatedOverAThousandJobsOnThreeNodes() {
    for (String n : List.of("n1", "n2", "n3")) {
      node(n);
    }
    f.spool.enqueueAll(NOOP, Fixtures.noops(1000), JobOptions.builder().notNode("n2").build());
    await().atMost(Duration.ofSeconds(30)).until(() -> ranOn.size() == 1000);
    assertThat(ranOn.values()).doesNotContain("n2");
  }

  /**
   * Jobs each avoiding a node of its own name, more names than a fetch looks at (64), behind 400
   * names whose jobs were cancelled (listed until a fetch finds their lists empty): every job runs,
   * a fetch that could not look at every name asking again at once, and the names leave the list.
   */
  @Test
  void jobsAvoidingManyDifferentNodesAllRun() {
    for (int i = 0; i < 400; i++) {
      JobId id =
          f.spool.enqueue(
              NOOP, new Noop(-1 - i), JobOptions.builder().notNode("gone-" + i).build());
      f.spool.cancel(id);
    }
    for (int i = 0; i < 300; i++) {
      f.spool.enqueue(NOOP, new Noop(i), JobOptions.builder().notNode("away-" + i).build());
    }
    node("taker");
    await().atMost(Duration.ofSeconds(30)).until(() -> ranOn.size() == 300);
    assertThat(ranOn.keySet()).allMatch(n -> n >= 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.redis().scard(f.namespace + ":{work}:avoid") == 0);
  }

  /**
   * job_reactor's {@code node: 'my_favourite_node', not_node: 'do_not_use_this_node'}: the job
   * prefers one node, and when any other node takes it (its node dead, or saturated past the
   * fallback), that is never the avoided one.
   */
  @Nested
  class PreferringOneNodeAndAvoidingAnother {
    final JobOptions favouriteNotBad =
        JobOptions.builder().node("favourite").notNode("bad").build();

    @Test
    void theOptionsKeepBoth() {
      assertThat(favouriteNotBad.node()).contains("favourite");
      assertThat(favouriteNotBad.notNode()).contains("bad");
      assertThat(JobOptions.builder().notNode("bad").node("favourite").build().notNode())
          .contains("bad");
      assertThatThrownBy(() -> JobOptions.builder().node("n1").notNode("n1").build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("node 'n1' is both the one to run on and the one to avoid");
    }

    @Test
    void itRunsOnItsNodeWhenThatNodeIsAlive() {
      node("favourite");
      node("bad");
      node("other");
      f.spool.enqueueAll(NOOP, Fixtures.noops(30), favouriteNotBad);
      await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.size() == 30);
      assertThat(ranOn.values()).containsOnly("favourite");
    }

    @Test
    void itRunsElsewhereButNeverOnTheAvoidedNodeWhenItsNodeIsDeadOrSaturated() throws Exception {
      node("bad");
      node("other");
      // Its node is not alive: ready at once for any node but the avoided one.
      f.spool.enqueueAll(NOOP, Fixtures.noops(30), favouriteNotBad);
      CountDownLatch busy = new CountDownLatch(1);
      f.worker("favourite")
          .concurrency(1)
          .handle(
              NOOP,
              (job, a) -> {
                if (a.n() == 100) {
                  busy.countDown();
                  Fixtures.untilInterrupted();
                }
                ranOn.put(a.n(), job.node());
              })
          .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.size() == 30);
      // Its node is alive but saturated: routing releases the jobs, still avoiding 'bad'.
      // (Strict, so that it waits for 'favourite' even if this client does not see it alive yet.)
      f.spool.enqueue(
          NOOP, new Noop(100), JobOptions.builder().node("favourite").strictNode(true).build());
      assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
      f.spool.enqueueAll(
          NOOP, IntStream.range(200, 230).mapToObj(Noop::new).toList(), favouriteNotBad);
      await().atMost(Duration.ofSeconds(15)).until(() -> ranOn.size() == 60);
      assertThat(ranOn.values()).doesNotContain("bad");
    }
  }

  String list(String suffix) {
    return f.namespace + ":{work}:" + suffix;
  }

  @Test
  void aNonStrictJobForANodeThatIsNotAliveIsReadyForAnyNodeAtOnce() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1), on("ghost"));

    // No routing ran (no node is up): the enqueue itself put it on the plain list.
    assertThat(f.redis().lrange(list("ready"), 0, -1)).containsExactly("1");
    assertThat(f.redis().llen(list("ready:~ghost"))).isZero();
    assertThat(f.redis().hget(f.jobKey(id), "an")).isEqualTo("ghost"); // still its preference
    node("n1");
    await().atMost(Duration.ofSeconds(10)).until(() -> ranOn.containsKey(1));
    assertThat(ranOn).containsEntry(1, "n1");
  }

  @Test
  void aStrictJobForANodeThatIsNotAliveWaitsInItsList() {
    f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().node("ghost").strictNode(true).build());
    assertThat(f.redis().lrange(list("ready:@ghost"), 0, -1)).containsExactly("1");
    assertThat(f.redis().llen(list("ready"))).isZero();
  }

  @Test
  void aJobForANodeThatIsAliveWaitsInThatNodesList() {
    f.worker("elsewhere").queues("other").handle(NOOP, (job, a) -> {}).start(); // alive, not here
    f.spool.enqueue(NOOP, new Noop(1), on("elsewhere"));
    assertThat(f.redis().lrange(list("ready:~elsewhere"), 0, -1)).containsExactly("1");
    assertThat(f.redis().llen(list("ready"))).isZero();
  }

  @Test
  void aNodeThatLeavesHandsTheJobsThatPreferItToAnyNodeAndKeepsItsStrictOnes() throws Exception {
    CountDownLatch busy = new CountDownLatch(1);
    Worker slow =
        f.worker("slow")
            .concurrency(1)
            .affinityFallback(Duration.ofMinutes(5)) // no saturation routing during the test
            .handle(
                NOOP,
                (job, a) -> {
                  if (a.n() == 0) {
                    busy.countDown();
                    Fixtures.untilInterrupted();
                  }
                  ranOn.put(a.n(), job.node());
                })
            .start();
    f.spool.enqueue(NOOP, new Noop(0), on("slow"));
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    f.spool.enqueueAll(NOOP, List.of(new Noop(1), new Noop(2)), on("slow"));
    f.spool.enqueue(NOOP, new Noop(3), JobOptions.builder().node("slow").strictNode(true).build());
    assertThat(f.redis().llen(list("ready:~slow"))).isEqualTo(2);

    slow.close(); // job 0 is interrupted and handed back to the node's list first

    assertThat(f.redis().llen(list("ready:~slow"))).isZero();
    assertThat(f.redis().lrange(list("ready"), 0, -1)).containsExactlyInAnyOrder("1", "2", "3");
    assertThat(f.redis().lrange(list("ready:@slow"), 0, -1)).containsExactly("4");
    node("spare");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ranOn.keySet().containsAll(List.of(0, 1, 2)));
    assertThat(ranOn).doesNotContainKey(3);
  }

  @Test
  void affinityOptionsAreChecked() {
    assertThatThrownBy(() -> JobOptions.builder().strictNode(true).build())
        .hasMessageContaining("needs node");
    assertThatThrownBy(() -> JobOptions.builder().node(" "))
        .hasMessageContaining("invalid node name");
    // A worker takes only names that jobs can be pinned to.
    assertThatThrownBy(() -> f.spool.worker("a|b"))
        .hasMessageContaining("invalid worker name 'a|b'")
        .hasMessageContaining("without '|'");
  }
}
