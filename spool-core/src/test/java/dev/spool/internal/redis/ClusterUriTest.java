package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.SpoolException;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterUriTest {

  @Test
  void severalHostsOrTheClusterSchemeNameACluster() {
    assertThat(ClusterUri.isCluster("redis://h1:7000,h2:7001")).isTrue();
    assertThat(ClusterUri.isCluster("rediss://:pw@h1:7000,h2:7001")).isTrue();
    assertThat(ClusterUri.isCluster("redis-cluster://h1:7000")).isTrue();
    assertThat(ClusterUri.isCluster("redis://h1:6379/2")).isFalse();
    assertThat(ClusterUri.isCluster("redis://:a,b@h1:6379")).as("a comma in a password").isFalse();
    assertThat(ClusterUri.isCluster("redis-sentinel://s1:26379,s2:26379#m")).isFalse();
  }

  @Test
  void eachSeedKeepsTheCredentialsAndTls() {
    List<RedisURI> seeds = ClusterUri.seeds("rediss://u:p%2Fw@h1:7000,h2:7001/0");
    assertThat(seeds).extracting(RedisURI::getHost).containsExactly("h1", "h2");
    assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001);
    assertThat(seeds).allSatisfy(s -> assertThat(s.isSsl()).isTrue());
    assertThat(seeds).allSatisfy(s -> assertThat(new String(s.getPassword())).isEqualTo("p/w"));
    assertThat(ClusterUri.seeds("redis-cluster://h1:7000")).hasSize(1);
  }

  @Test
  void aDatabaseOtherThanZeroOrAMissingPortIsRefusedWithoutThePassword() {
    assertThatThrownBy(() -> ClusterUri.seeds("redis://:secret@h1:7000,h2:7001/3"))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("only database 0")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> ClusterUri.seeds("redis://:secret@h1:7000,h2"))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("host:port")
        .hasMessageNotContaining("secret");
  }
}
