package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobOptions;
import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatsCommandIT {
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
  void countsTheJobsOfEachQueue() throws Exception {
    JsonNode args = mapper.readTree("{}");
    spool.enqueueAll(TestJobHandlers.ECHO, List.of(args, args, args));
    spool.enqueue(
        TestJobHandlers.ECHO,
        args,
        JobOptions.builder().queue("mail").delay(Duration.ofHours(1)).build());

    Cli.Run text = cli.run("stats").ok();
    JsonNode doc = cli.run("stats", "--json").ok().json();

    List<String> lines = text.out.lines().toList();
    assertThat(lines.get(0))
        .matches("QUEUE +READY +DELAYED +PROCESSING +COMPLETED +DEAD +LATENCY +PAUSED");
    // The ready jobs have waited since their enqueue (ms or s, as they are read); none in mail.
    assertThat(lines.get(1)).matches("default +3 +0 +0 +0 +0 +[0-9.]+m?s +no");
    assertThat(lines.get(2)).matches("mail +0 +1 +0 +0 +0 +- +no");
    assertThat(lines.get(3)).matches("\\(all\\) +3 +1 +0 +0 +0 +[0-9.]+m?s +-");
    assertThat(doc.get("namespace").asText()).isEqualTo(ns);
    JsonNode first = doc.get("queues").get(0);
    assertThat(first.get("queue").asText()).isEqualTo("default");
    assertThat(first.get("ready").asLong()).isEqualTo(3);
    assertThat(first.get("delayed").asLong()).isZero();
    assertThat(first.get("processing").asLong()).isZero();
    assertThat(first.get("completed").asLong()).isZero();
    assertThat(first.get("dead").asLong()).isZero();
    assertThat(first.get("latencyMs").isIntegralNumber()).isTrue();
    assertThat(doc.get("queues").get(1).get("delayed").asLong()).isEqualTo(1);
    assertThat(doc.get("queues").get(1).get("latencyMs").asLong()).isZero();
  }

  @Test
  void showsWhichQueuesArePaused() throws Exception {
    JsonNode args = mapper.readTree("{}");
    spool.enqueue(TestJobHandlers.ECHO, args);
    spool.enqueue(TestJobHandlers.ECHO, args, JobOptions.builder().queue("mail").build());
    spool.queue("mail").pause();

    List<String> lines = cli.run("stats").ok().out.lines().toList();
    JsonNode queues = cli.run("stats", "--json").ok().json().get("queues");

    assertThat(lines.get(1)).matches("default +1 +0 +0 +0 +0 +[0-9.]+m?s +no");
    assertThat(lines.get(2)).matches("mail +1 +0 +0 +0 +0 +[0-9.]+m?s +yes");
    assertThat(queues.get(0).get("queue").asText()).isEqualTo("default");
    assertThat(queues.get(0).get("paused").isBoolean()).isTrue();
    assertThat(queues.get(0).get("paused").asBoolean()).isFalse();
    assertThat(queues.get(1).get("queue").asText()).isEqualTo("mail");
    assertThat(queues.get(1).get("paused").asBoolean()).isTrue();
  }

  @Test
  void saysWhenTheNamespaceHasNoQueues() {
    assertThat(cli.run("stats").ok().out.lines())
        .containsExactly(
            "no queues in namespace '" + ns + "' yet",
            "",
            "no worker nodes in namespace '" + ns + "'");
    JsonNode doc = cli.run("stats", "--json").ok().json();
    assertThat(doc.get("queues")).isEmpty();
    assertThat(doc.get("nodes")).isEmpty();
  }

  @Test
  void somethingThatIsNoUriIsBadUsage() {
    Cli.Run run = Cli.raw("stats", "--redis", "localhost:6379");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--redis: 'localhost:6379' is not a Redis URI");
    assertThat(run.err).contains("use redis://[:password@]host:port[/db]");
  }

  @Test
  void aUriOfAnotherSchemeIsBadUsageToo() {
    Cli.Run http = Cli.raw("stats", "--redis", "http://localhost:6379");
    Cli.Run garbage = Cli.raw("stats", "--redis", "not a uri");

    assertThat(http.code).isEqualTo(2);
    assertThat(http.err).contains("--redis: 'http://localhost:6379' is not a Redis URI");
    assertThat(garbage.code).isEqualTo(2);
    assertThat(garbage.err).contains("use redis://[:password@]host:port[/db]");
  }

  @Test
  void aShardedQueueThatIsNoQueueAndCountIsBadUsage() {
    Cli.Run noCount = Cli.raw("stats", "--redis", redis.uri(), "--sharded-queue", "mail");
    Cli.Run notANumber = Cli.raw("stats", "--redis", redis.uri(), "--sharded-queue", "mail=x");
    Cli.Run zero = Cli.raw("stats", "--redis", redis.uri(), "--sharded-queue", "mail=0");

    assertThat(noCount.code).isEqualTo(2);
    assertThat(noCount.err)
        .contains(
            "--sharded-queue: expected QUEUE=N, a queue name and its number of shards, got 'mail'")
        .doesNotContain("option option");
    assertThat(notANumber.code).isEqualTo(2);
    assertThat(notANumber.err).contains("got 'mail=x'");
    assertThat(zero.code).isEqualTo(2);
    assertThat(zero.err).contains("--sharded-queue: ");
  }

  @Test
  void aShardedQueueGivenTwiceIsBadUsage() {
    Cli.Run conflicting =
        Cli.raw(
            "enqueue",
            "x",
            "--redis",
            redis.uri(),
            "--sharded-queue",
            "sq=3",
            "--sharded-queue",
            "sq=4");
    Cli.Run repeated =
        Cli.raw(
            "stats", "--redis", redis.uri(), "--sharded-queue", "sq=3", "--sharded-queue", "sq=3");

    assertThat(conflicting.code).isEqualTo(2);
    assertThat(conflicting.err)
        .contains("--sharded-queue names 'sq' twice (3 and 4 shards): give each queue once");
    assertThat(repeated.code).isEqualTo(2);
    assertThat(repeated.err).contains("--sharded-queue names 'sq' twice: give each queue once");
  }

  @Test
  void aBadNamespaceIsBadUsage() {
    Cli.Run run = Cli.raw("stats", "--redis", redis.uri(), "--namespace", "");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--namespace");
  }
}
