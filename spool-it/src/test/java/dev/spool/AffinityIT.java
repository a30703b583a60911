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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

  @Test
  void affinityOptionsAreChecked() {
    assertThatThrownBy(() -> JobOptions.builder().strictNode(true).build())
        .hasMessageContaining("needs node");
    assertThatThrownBy(() -> JobOptions.builder().node(" "))
        .hasMessageContaining("invalid node name");
  }
}
