package dev.spool.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The testkit's cluster forms by itself, and a killed master's replica takes over. */
class RedisClusterSetIT {

  @Test
  void aStartedClusterServesEverySlotFromThreeMastersAndSurvivesAKilledOne() {
    try (RedisClusterSet cluster = RedisClusterSet.create()) {
      cluster.start();
      assertThat(cluster.masterPorts()).hasSize(RedisClusterSet.MASTERS);
      assertThat(cluster.uri()).startsWith("redis://127.0.0.1:");

      int master = cluster.masterPortOf("{a}");
      cluster.killMaster(master);
      cluster.awaitFailover(master, Duration.ofSeconds(20));

      assertThat(cluster.masterPortOf("{a}")).isNotEqualTo(master);
      assertThat(cluster.masterPorts()).hasSize(RedisClusterSet.MASTERS).doesNotContain(master);
      cluster.rejoin(master);
    }
  }
}
