package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobId;
import dev.spool.NodeInfo;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spool nodes}, and the nodes section of {@code spool stats}. */
class NodesCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ObjectMapper mapper = new ObjectMapper();
  private String ns;
  private Spool spool;
  private Cli cli;

  @BeforeEach
  void connect() {
    ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void listsTheLiveNodesWithWhatTheyPublished() throws Exception {
    JobId held = spool.enqueue(TestJobHandlers.BLOCK, mapper.readTree("{}"));
    Worker a =
        TestJobHandlers.on(spool.worker("node-a")).queues("default", "mail").concurrency(3).start();
    Worker b = TestJobHandlers.on(spool.worker("node-b")).queues("mail").concurrency(5).start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> spool.statuses().findOrUnknown(held).state() == State.STARTED);
      String holder = spool.statuses().findOrUnknown(held).raw().get("w");

      List<String> lines = cli.run("nodes").ok().out.lines().toList();
      JsonNode doc = cli.run("nodes", "--json").ok().json();
      String jobs = cli.run("nodes", "--jobs").ok().out;

      assertThat(lines.get(0))
          .matches("NODE +ALIVE +HOST +PID +QUEUES +CONCURRENCY +BUSY +LAST HEARTBEAT");
      long pid = ProcessHandle.current().pid();
      assertThat(lines.get(1))
          .matches("node-a +yes +\\S+ +" + pid + " +default,mail +3 +\\d+ +20\\S+Z \\(.*\\)");
      assertThat(lines.get(2))
          .matches("node-b +yes +\\S+ +" + pid + " +mail +5 +\\d+ +20\\S+Z \\(.*\\)");
      assertThat(lines).hasSize(3);
      assertThat(doc.get("namespace").asText()).isEqualTo(ns);
      JsonNode first = doc.get("nodes").get(0);
      assertThat(first.get("name").asText()).isEqualTo("node-a");
      assertThat(first.get("alive").asBoolean()).isTrue();
      assertThat(first.get("pid").asLong()).isEqualTo(pid);
      assertThat(first.get("host").asText()).isNotBlank();
      assertThat(first.get("queues").toString()).isEqualTo("[\"default\",\"mail\"]");
      assertThat(first.get("concurrency").asInt()).isEqualTo(3);
      assertThat(first.get("busy").isInt()).isTrue();
      assertThat(first.get("startedAt").asText()).endsWith("Z");
      assertThat(first.get("lastHeartbeat").asText()).endsWith("Z");
      assertThat(first.get("jobs").toString()).isEqualTo("[\"" + held + "\"]");
      assertThat(doc.get("nodes").get(1).get("jobs")).isEmpty();
      assertThat(holder).isEqualTo("node-a");
      assertThat(jobs).contains("node-a holds " + held).contains("node-b holds no jobs");
    } finally {
      spool.statuses().find(held).ifPresent(s -> s.requestKill());
      a.close();
      b.close();
    }
    // A node that stopped gracefully has left.
    assertThat(cli.run("nodes", "--json").ok().json().get("nodes")).isEmpty();
  }

  @Test
  void pruneForgetsDeadNodesOnly() throws Exception {
    Worker live = TestJobHandlers.on(spool.worker("live-node")).start();
    // A node that died an hour and a half ago: its entry is there, its name is held by no one.
    long heard = System.currentTimeMillis() - Duration.ofMinutes(90).toMillis();
    String entry =
        "{\"host\":\"h\",\"pid\":1,\"queues\":[\"default\"],\"concurrency\":1,\"busy\":0,"
            + "\"startedAtMs\":"
            + heard
            + ",\"heartbeatMs\":"
            + heard
            + ",\"saturatedSinceMs\":0,\"affinityFallbackMs\":1000}";
    RedisClient client = RedisClient.create(redis.uri());
    try (var connection = client.connect()) {
      connection.sync().hset(ns + ":{nodes}:info", "ghost", entry);
    } finally {
      client.shutdown();
    }
    try {
      assertThat(cli.run("nodes", "prune", "--dead-for", "2h").ok().out.strip())
          .isEqualTo("no dead nodes to forget");
      assertThat(cli.run("nodes", "prune", "--json").ok().json().get("pruned").get(0).asText())
          .isEqualTo("ghost");
      assertThat(spool.monitor().nodes()).extracting(NodeInfo::name).containsExactly("live-node");
      assertThat(cli.run("nodes", "prune", "--dead-for", "-1s").code).isEqualTo(2);
    } finally {
      live.close();
    }
  }

  @Test
  void aLiveNodeIsQuietedAndResumed() throws Exception {
    Worker a = TestJobHandlers.on(spool.worker("node-a")).start();
    try {
      assertThat(cli.run("nodes", "quiet", "node-a").ok().out)
          .contains("node node-a asked to be quiet");
      assertThat(cli.run("nodes").ok().out.lines().toList().get(1)).matches("node-a +quiet +.*");
      assertThat(
              cli.run("nodes", "--json").ok().json().get("nodes").get(0).get("quiet").asBoolean())
          .isTrue();
      // Quiet within a heartbeat: a job enqueued then waits until the node is resumed.
      Instant asked = Instant.now();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> spool.monitor().nodes().getFirst().lastHeartbeat().isAfter(asked));
      JobId waiting = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{}"));
      assertThat(cli.run("nodes", "resume", "node-a").ok().out).contains("node node-a resumed");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> spool.statuses().findOrUnknown(waiting).state() == State.SUCCEEDED);
      assertThat(cli.run("nodes", "resume", "node-a").ok().out)
          .contains("node node-a was not quiet");
      Cli.Run unknown = cli.run("nodes", "quiet", "node-z");
      assertThat(unknown.code).isEqualTo(1);
      assertThat(unknown.err).contains("no live worker node 'node-z' in namespace '" + ns + "'");
    } finally {
      a.close();
    }
  }

  @Test
  void saysWhenThereAreNoNodes() {
    assertThat(cli.run("nodes").ok().out.strip())
        .isEqualTo("no worker nodes in namespace '" + ns + "'");
    assertThat(cli.run("nodes", "--json").ok().json().get("nodes")).isEmpty();
  }

  @Test
  void statsEndsWithTheNodes() throws Exception {
    spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{}"));
    Worker a = TestJobHandlers.on(spool.worker("stats-node")).concurrency(2).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> !spool.monitor().nodes().isEmpty());

      String text = cli.run("stats").ok().out;
      JsonNode doc = cli.run("stats", "--json").ok().json();

      List<String> lines = text.lines().toList();
      assertThat(lines.get(0)).startsWith("QUEUE ");
      int blank = lines.indexOf("");
      assertThat(blank).isPositive();
      assertThat(lines.get(blank + 1)).startsWith("NODE ").contains("LAST HEARTBEAT");
      assertThat(lines.get(blank + 2)).matches("stats-node +yes .*");
      JsonNode node = doc.get("nodes").get(0);
      assertThat(node.get("name").asText()).isEqualTo("stats-node");
      assertThat(node.get("concurrency").asInt()).isEqualTo(2);
      assertThat(node.get("alive").asBoolean()).isTrue();
    } finally {
      a.close();
    }
  }
}
