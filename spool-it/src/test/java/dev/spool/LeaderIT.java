package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One node per maintenance duty per queue; the others stand by and take over. */
class LeaderIT {
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
  void oneNodeOfThreeReapsAQueueAndAStandbyTakesOverWhenItDies() {
    Map<String, Worker> nodes = new LinkedHashMap<>();
    for (String name : new String[] {"n1", "n2", "n3"}) {
      nodes.put(name, f.worker(name).handle(NOOP, (job, a) -> {}).start());
    }
    String reapLeader = f.namespace + ":{work}:leader:reap";
    await().atMost(Duration.ofSeconds(10)).until(() -> f.redis().get(reapLeader) != null);
    String leader = f.redis().get(reapLeader);
    assertThat(nodes).containsKey(leader);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodes.get(leader).maintenanceCalls("reap") > 3);
    // Only the leader reaps, for many periods.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(
            () ->
                leader.equals(f.redis().get(reapLeader))
                    && nodes.entrySet().stream()
                        .filter(e -> !e.getKey().equals(leader))
                        .allMatch(e -> e.getValue().maintenanceCalls("reap") == 0));
    assertThat(f.redis().get(f.namespace + ":{work}:leader:route")).isIn(nodes.keySet());

    nodes.get(leader).halt();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String now = f.redis().get(reapLeader);
              return now != null && !now.equals(leader);
            });
    String next = f.redis().get(reapLeader);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodes.get(next).maintenanceCalls("reap") > 0);
  }

  @Test
  void aNodeThatStopsGracefullyGivesUpItsLeadsAndAStandbyTakesThemOver() {
    // A retention of 10 s prunes every second, so the prune lead is taken soon after start.
    try (Spool spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .retention(Duration.ofSeconds(10))
            .build()) {
      Worker first = node(spool, "n1");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Stream.of("reap", "route", "prune").allMatch(d -> "n1".equals(leader(d))));
      Worker second = node(spool, "n2");

      first.close();

      // Given up as the node stopped, not left to lapse (three periods, at least 3 s).
      assertThat(Stream.of("reap", "route", "prune", "sweep").map(this::leader))
          .doesNotContain("n1");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> second.maintenanceCalls("prune") > 0 && "n2".equals(leader("prune")));
      second.close();
    }
  }

  @Test
  void aLeaderKeyOfAnotherTypeIsSetAsideAndTheDutyIsLed() {
    f.redis().hset(f.namespace + ":{work}:leader:reap", "garbage", "1");

    Worker node = f.worker("n1").handle(NOOP, (job, a) -> {}).start();

    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions() // the test's own GET fails on the garbage until it is set aside
        .until(() -> "n1".equals(leader("reap")) && node.maintenanceCalls("reap") > 0);
    assertThat(f.redis().hget(f.namespace + ":{work}:corrupt:leader:reap", "garbage"))
        .isEqualTo("1");
  }

  private static Worker node(Spool spool, String name) {
    return spool
        .worker(name)
        .lease(Duration.ofMillis(900))
        .shutdownTimeout(Duration.ofSeconds(2))
        .handle(NOOP, (job, a) -> {})
        .start();
  }

  private String leader(String duty) {
    return f.redis().get(f.namespace + ":{work}:leader:" + duty);
  }
}
