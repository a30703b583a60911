package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.Batch;
import dev.spool.JobOptions;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spool batch show ID}. */
class BatchShowCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ObjectMapper mapper = new ObjectMapper();
  private Spool spool;
  private Cli cli;

  @BeforeEach
  void connect() {
    String ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void showsTheProgressOfABatch() throws Exception {
    JsonNode args = mapper.readTree("{}");
    Batch batch =
        spool
            .batch()
            .onComplete(TestJobHandlers.ECHO.withQueue("reports"), args)
            .add(TestJobHandlers.ECHO, args)
            .add(TestJobHandlers.ECHO, args)
            .add(
                TestJobHandlers.FAIL,
                args,
                JobOptions.builder().retry(Retry.fixed(1, Duration.ofMillis(10))).build())
            .submit();
    String id = batch.id();

    Cli.Run before = cli.run("batch", "show", id).ok();
    JsonNode beforeJson = cli.run("batch", "show", id, "--json").ok().json();
    TestJobHandlers.runUntil(spool, batch::isFinished, "default");
    Cli.Run after = cli.run("batch", "show", id).ok();
    JsonNode afterJson = cli.run("batch", "show", id, "--json").ok().json();

    assertThat(id).startsWith("reports:");
    assertThat(before.out)
        .containsPattern("(?m)^id +" + id + "$")
        .containsPattern("(?m)^progress +\\[\\.{20}\\] 0%$")
        .containsPattern("(?m)^total +3$")
        .containsPattern("(?m)^pending +3$")
        .containsPattern("(?m)^succeeded +0$")
        .containsPattern("(?m)^finished +no: 3 parts to go$")
        .containsPattern("(?m)^stopped +no$");
    assertThat(beforeJson.get("id").asText()).isEqualTo(id);
    assertThat(beforeJson.get("queue").asText()).isEqualTo("reports");
    assertThat(beforeJson.get("total").asLong()).isEqualTo(3);
    assertThat(beforeJson.get("pending").asLong()).isEqualTo(3);
    assertThat(beforeJson.get("finished").asBoolean()).isFalse();
    assertThat(after.out)
        .containsPattern("(?m)^progress +\\[#{20}\\] 100%$")
        .containsPattern("(?m)^pending +0$")
        .containsPattern("(?m)^succeeded +2$")
        .containsPattern("(?m)^failed +1 \\(died, killed, or never enqueued\\)$")
        .containsPattern("(?m)^finished +yes");
    assertThat(afterJson.get("succeeded").asLong()).isEqualTo(2);
    assertThat(afterJson.get("failed").asLong()).isEqualTo(1);
    assertThat(afterJson.get("pending").asLong()).isZero();
    assertThat(afterJson.get("finished").asBoolean()).isTrue();
    assertThat(afterJson.get("stopped").asBoolean()).isFalse();
  }

  @Test
  void anUnknownBatchFails() {
    Cli.Run run = cli.run("batch", "show", "default:b0nosuchbatch");

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip()).isEqualTo("spool: no batch 'default:b0nosuchbatch'");
  }

  @Test
  void aMalformedIdIsBadUsage() {
    for (String id : new String[] {"nocolon", ":token", "default:", "a b:token", "default:t/x"}) {
      Cli.Run run = cli.run("batch", "show", id);

      assertThat(run.code).as(id).isEqualTo(2);
      assertThat(run.err).as(id).contains("is not a batch id");
    }
    Cli.Run none = Cli.raw("batch");
    assertThat(none.code).isEqualTo(2);
    assertThat(none.err).contains("choose a command: show");
    assertThat(cli.run("batch", "show").code).isEqualTo(2);
  }
}
