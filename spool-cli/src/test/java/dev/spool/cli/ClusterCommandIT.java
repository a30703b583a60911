package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobOptions;
import dev.spool.Spool;
import dev.spool.testkit.RedisClusterSet;
import dev.spool.testkit.SpoolRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --redis} takes a Redis Cluster, as several nodes or by the redis-cluster:// scheme. */
class ClusterCommandIT {
  @RegisterExtension static RedisClusterSet cluster = RedisClusterSet.create();

  @Test
  void statsReadQueuesOfEveryMasterThroughEitherForm() throws Exception {
    String ns = SpoolRedis.namespace();
    try (Spool spool = Spool.builder().redis(cluster.uri()).namespace(ns).build()) {
      JsonNode args = new ObjectMapper().readTree("{}");
      for (String queue : new String[] {"a", "b", "c", "d"}) {
        spool.enqueue(TestJobHandlers.ECHO, args, JobOptions.builder().queue(queue).build());
      }
    }
    try (Spool sharded =
        Spool.builder().redis(cluster.uri()).namespace(ns).shardedQueue("mail", 3).build()) {
      JsonNode args = new ObjectMapper().readTree("{}");
      sharded.enqueueAll(
          TestJobHandlers.ECHO,
          java.util.List.of(args, args, args),
          JobOptions.builder().queue("mail").build());
    }
    JsonNode asOne =
        new Cli(cluster.uri(), ns).run("stats", "--json", "--sharded-queue", "mail=3").ok().json();
    assertThat(asOne.get("queues").findValuesAsText("queue")).contains("mail");
    String oneSeed =
        "redis-cluster://" + cluster.uri().substring("redis://".length()).split(",")[0];
    for (String uri : new String[] {cluster.uri(), oneSeed}) {
      JsonNode doc = new Cli(uri, ns).run("stats", "--json").ok().json();
      assertThat(doc.get("queues")).hasSize(4 + 3); // mail's shards, undeclared, one by one
      for (JsonNode queue : doc.get("queues")) {
        assertThat(queue.get("ready").asLong()).isEqualTo(1);
      }
    }
  }
}
