package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the maintenance duties ask of Redis each period, counted with MONITOR: it must not grow with
 * the registry (dead nodes stay there an hour) nor, for the standbys, with their number × the
 * queues at the leader's own rate.
 */
class UpkeepCallsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final int QUEUES = 4;
  static final int GHOSTS = 50;

  Fixtures f;
  MonitoredCommands monitor;
  final List<Worker> nodes = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    f = new Fixtures(redis);
    monitor = new MonitoredCommands(redis.host(), redis.port(), f.namespace);
  }

  @AfterEach
  void tearDown() throws Exception {
    monitor.close(); // the nodes stop with the fixtures' Spool
    f.close();
  }

  static String[] queues() {
    return IntStream.range(0, QUEUES).mapToObj(i -> "q" + i).toArray(String[]::new);
  }

  Worker node(String name) {
    Worker w = f.worker(name).queues(queues()).handle(NOOP, (job, a) -> {}).start();
    nodes.add(w);
    return w;
  }

  /** Registry entries of nodes that died a moment ago (kept an hour), serving every queue. */
  void ghosts() {
    long now = System.currentTimeMillis();
    for (int i = 0; i < GHOSTS; i++) {
      f.redis()
          .hset(
              f.namespace + ":{nodes}:info",
              "ghost" + i,
              """
              {"host":"elsewhere","pid":1,"queues":["q0","q1","q2","q3"],"concurrency":1,\
              "busy":0,"startedAtMs":%d,"heartbeatMs":%d,"saturatedSinceMs":0,\
              "affinityFallbackMs":1000}"""
                  .formatted(now, now));
    }
  }

  long calls(String duty) {
    return nodes.stream().mapToLong(w -> w.maintenanceCalls(duty)).sum();
  }

  @Test
  void routingAQueueWithNothingPinnedReadsNothingOfTheRegistry() {
    ghosts();
    node("n1");
    await().atMost(Duration.ofSeconds(10)).until(() -> calls("route") >= QUEUES);

    int from = monitor.mark(k -> f.redis().get(k));
    long routed = calls("route");
    await().atMost(Duration.ofSeconds(20)).until(() -> calls("route") >= routed + 10 * QUEUES);
    int to = monitor.mark(k -> f.redis().get(k));
    long passes = calls("route") - routed;

    // Before: every pass read the whole registry, an EXISTS per entry (51 a pass here).
    assertThat(monitor.count(from, to, "EXISTS", ":{nodes}:name:")).isLessThan(passes);
    assertThat(monitor.count(from, to, "HGETALL", ":{nodes}:info")).isLessThan(passes);
  }

  @Test
  void routingAsksOnlyAfterThePinnedNamesAndStillReleasesADeadNodesJobs() {
    ghosts();
    node("n1");
    // A dead node's preferred job, and one of a strict job that keeps the name pinned.
    String qp = f.namespace + ":{q0}:";
    f.redis().rpush(qp + "ready:~gone", "1");
    f.redis().rpush(qp + "ready:@kept", "2");
    f.redis().sadd(qp + "pinned", "gone", "kept");

    await().atMost(Duration.ofSeconds(10)).until(() -> f.redis().llen(qp + "ready:~gone") == 0);
    assertThat(f.redis().smembers(qp + "pinned")).containsExactly("kept");
    assertThat(f.redis().lrange(qp + "ready:@kept", 0, -1)).containsExactly("2");

    int from = monitor.mark(k -> f.redis().get(k));
    long routed = calls("route");
    await().atMost(Duration.ofSeconds(20)).until(() -> calls("route") >= routed + 10 * QUEUES);
    int to = monitor.mark(k -> f.redis().get(k));

    // Only the pinned name's liveness is asked; no ghost's, and the registry is not listed.
    assertThat(monitor.count(from, to, "EXISTS", ":{nodes}:name:ghost")).isZero();
    assertThat(monitor.count(from, to, "HGETALL", ":{nodes}:info")).isZero();
    assertThat(monitor.count(from, to, "EXISTS", ":{nodes}:name:kept")).isPositive();
  }

  /**
   * Dead nodes whose pinned jobs are all strict keep their names pinned until they return (pods of
   * an autoscaled fleet never do): routing has nothing to move for them, and no longer makes a
   * script call for each at every pass (before: 30 names, 30 route calls a pass). A dead node's
   * preferred job that comes meanwhile is still released.
   */
  @Test
  void aDeadNodeWithOnlyStrictJobsCostsNoRouteCallAPassAndAPreferredJobStillMoves() {
    node("n1");
    String qp = f.namespace + ":{q0}:";
    for (int i = 0; i < 30; i++) {
      f.redis().rpush(qp + "ready:@kept" + i, Integer.toString(100 + i));
      f.redis().sadd(qp + "pinned", "kept" + i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> calls("route") >= QUEUES);

    int from = monitor.mark(k -> f.redis().get(k));
    long routed = calls("route");
    await().atMost(Duration.ofSeconds(20)).until(() -> calls("route") >= routed + 10 * QUEUES);
    int to = monitor.mark(k -> f.redis().get(k));

    assertThat(monitor.count(from, to, "EVALSHA", qp + "ready:~kept")).isZero();
    assertThat(f.redis().scard(qp + "pinned")).isEqualTo(30);

    f.redis().rpush(qp + "ready:~kept7", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> f.redis().llen(qp + "ready:~kept7") == 0);
    assertThat(f.redis().lrange(qp + "ready:@kept7", 0, -1)).containsExactly("107");
  }

  @Test
  void standbysDoNotAskForALeadEveryPeriodAndOneTakesOverWhenTheLeaderDies() {
    for (String name : new String[] {"n1", "n2", "n3"}) {
      node(name);
    }
    String reapLeader = f.namespace + ":{q0}:leader:reap";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                IntStream.range(0, QUEUES)
                    .allMatch(
                        i -> f.redis().get(f.namespace + ":{q" + i + "}:leader:reap") != null));

    int from = monitor.mark(k -> f.redis().get(k));
    long reaped = calls("reap");
    // Many periods of the reap duty (a quarter of the 900 ms lease: 225 ms) on every queue.
    await().atMost(Duration.ofSeconds(30)).until(() -> calls("reap") >= reaped + 25 * QUEUES);
    int to = monitor.mark(k -> f.redis().get(k));
    long batches = calls("reap") - reaped; // one renewal of the lead each
    long asks =
        monitor.count(from, to, "EVALSHA", ":leader:reap")
            + monitor.count(from, to, "EVAL", ":leader:reap")
            + monitor.count(from, to, "PTTL", ":leader:reap");

    // Before: each of the three nodes asked each period, three asks a batch (here 300 or more).
    // Now the two standbys ask about once a lead (3 s).
    assertThat(asks).isLessThan(batches * 3 / 2);

    // And a standby still takes the lead over once the leader is gone.
    String leader = f.redis().get(reapLeader);
    Worker dead = nodes.stream().filter(w -> w.name().equals(leader)).findFirst().orElseThrow();
    dead.halt();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String now = f.redis().get(reapLeader);
              return now != null && !now.equals(leader);
            });
  }
}
