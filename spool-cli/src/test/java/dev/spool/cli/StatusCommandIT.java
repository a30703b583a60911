package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobStatus;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.testkit.SpoolRedis;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatusCommandIT {
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
  void jsonKeepsTheStoredNumbersAsWritten() throws Exception {
    String huge = "1e400";
    String precise = "0.1000000000000000055511151231257827";
    JobId id =
        JobId.parse(
            cli.run(
                    "enqueue",
                    "x",
                    "--queue",
                    "jq",
                    "--args",
                    "{\"a\":" + huge + ",\"b\":" + precise + "}")
                .ok()
                .out
                .strip());
    ObjectMapper exact =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    JobStatus status = spool.statuses().find(id).orElseThrow();
    status.save(Map.of("d", new BigDecimal(precise)));
    status.addError(Map.of("e", new BigDecimal(huge)));

    String out = cli.run("status", id.toString(), "--json").ok().out;

    assertThat(out).doesNotContain("Infinity");
    JsonNode doc = exact.readTree(out);
    assertThat(doc.get("args").get("a").decimalValue()).isEqualByComparingTo(huge);
    assertThat(doc.get("args").get("b").decimalValue()).isEqualTo(new BigDecimal(precise));
    assertThat(doc.get("data").get("d").decimalValue()).isEqualTo(new BigDecimal(precise));
    assertThat(doc.get("errors").get(0).get("e").decimalValue()).isEqualByComparingTo(huge);
  }

  @Test
  void showsAQueuedJob() throws Exception {
    JobId id = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{\"x\":\"y\"}"));

    Cli.Run run = cli.run("status", id.toString()).ok();
    JsonNode doc = cli.run("status", id.toString(), "--json").ok().json();

    assertThat(doc.get("result").isNull()).as("no result yet").isTrue();
    assertThat(run.out)
        .containsPattern("id +" + id)
        .containsPattern("job +cli-echo")
        .containsPattern("state +queued")
        .containsPattern("attempt +0")
        .containsPattern("recorded_at +")
        .containsPattern("queued_at +")
        .containsPattern("args +\\{\"x\":\"y\"\\}")
        .containsPattern("errors +none");
  }

  @Test
  void showsTheResultOfASucceededJobAsJson() throws Exception {
    JobId id = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{\"x\":\"y\"}"));
    TestJobHandlers.runUntil(spool, () -> state(id) == State.SUCCEEDED);

    JsonNode doc = cli.run("status", id.toString(), "--json").ok().json();

    assertThat(doc.get("id").asText()).isEqualTo(id.toString());
    assertThat(doc.get("queue").asText()).isEqualTo("default");
    assertThat(doc.get("state").asText()).isEqualTo("succeeded");
    assertThat(doc.get("attempt").asInt()).isZero();
    assertThat(doc.get("node").asText()).isEqualTo("test-node");
    assertThat(doc.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(doc.get("jobName").asText()).isEqualTo("cli-echo");
    assertThat(doc.get("args")).isEqualTo(mapper.readTree("{\"x\":\"y\"}"));
    assertThat(doc.get("result")).isEqualTo(mapper.readTree("{\"echo\":{\"x\":\"y\"}}"));
    assertThat(doc.get("errors").size()).isZero();
    assertThat(doc.get("killRequested").asBoolean()).isFalse();
    JsonNode timestamps = doc.get("timestamps");
    assertThat(timestamps.get("succeeded_at").asText()).endsWith("Z");
    assertThat(timestamps.get("failed_at").isNull()).isTrue();
    assertThat(doc.get("previousAttempts").size()).isZero();
    JsonNode line = doc.get("log").get(0);
    assertThat(line.get("message").asText()).isEqualTo("echoing {\"x\":\"y\"}");
    assertThat(line.get("attempt").asInt()).isZero();
    assertThat(line.get("at").asText()).endsWith("Z");
    assertThat(cli.run("status", id.toString()).ok().out)
        .containsPattern("log:\\R  \\S+Z  #0  echoing \\{\"x\":\"y\"}");
  }

  @Test
  void showsErrorsAndPreviousAttemptsOfAFailedJob() throws Exception {
    JobId id =
        spool.enqueue(
            TestJobHandlers.FAIL,
            mapper.readTree("{}"),
            JobOptions.builder().retry(Retry.fixed(2, Duration.ofMillis(10))).build());
    TestJobHandlers.runUntil(spool, () -> state(id) == State.FAILED);

    Cli.Run text = cli.run("status", id.toString()).ok();
    JsonNode doc = cli.run("status", id.toString(), "--json").ok().json();

    assertThat(text.out)
        .containsPattern("state +failed")
        .containsPattern("attempt +1")
        .contains("1. java.lang.IllegalStateException: failing on purpose (attempt 1")
        .contains("previous attempts:")
        .contains("ATTEMPT  STATE");
    assertThat(doc.get("errors").get(0).get("message").asText()).isEqualTo("failing on purpose");
    JsonNode previous = doc.get("previousAttempts").get(0);
    assertThat(previous.get("attempt").asInt()).isZero();
    assertThat(previous.get("state").asText()).isEqualTo("failed");
    assertThat(previous.get("started_at").asText()).endsWith("Z");
  }

  @Test
  void showsWhatAStatusOfOtherWorkHolds() {
    JobStatus s = spool.statuses().create("imports");
    s.jobName("ImportFile").jobArgs(Map.of("file", "a.csv")).started();
    s.progress(3, 4).save(Map.of("rows", 75)).addError("row 7 is empty");

    Cli.Run run = cli.run("status", s.id().toString()).ok();

    assertThat(run.out)
        .containsPattern("job +ImportFile")
        .containsPattern("state +started")
        .containsPattern("progress +75%")
        .containsPattern("job args +\\{\"file\":\"a\\.csv\"\\}")
        .containsPattern("data +\\{\"rows\":75\\}")
        .containsPattern("errors +1\\. \"row 7 is empty\"")
        .doesNotContainPattern("(?m)^args ");
  }

  @Test
  void showsALongErrorWhole() {
    JobStatus s = spool.statuses().create("imports");
    String cause = "caused by: the third column of row 7 is empty";
    s.started().addError("x".repeat(400) + " " + cause);

    Cli.Run run = cli.run("status", s.id().toString()).ok();

    assertThat(run.out).contains(cause);
  }

  @Test
  void showsARestartedStatusWithItsEarlierAttempt() {
    JobStatus s = spool.statuses().create();
    s.started().progress(2, 3).started();

    JsonNode doc = cli.run("status", s.id().toString(), "--json").ok().json();

    assertThat(doc.get("attempt").asInt()).isEqualTo(1);
    JsonNode previous = doc.get("previousAttempts").get(0);
    assertThat(previous.get("attempt").asInt()).isZero();
    assertThat(previous.get("state").asText()).isEqualTo("started");
    assertThat(previous.get("started_at").asText()).endsWith("Z");
    assertThat(previous.get("queued_at").isNull()).isTrue();
    assertThat(previous.get("errors").isArray()).isTrue();
    assertThat(previous.get("progress").isNumber()).as("a number, as the top level's").isTrue();
    assertThat(previous.get("progress").asDouble()).isCloseTo(0.667, within(0.01));
    assertThat(cli.run("status", s.id().toString()).ok().out).contains("previous attempts:");
  }

  @Test
  void anUnknownJobFails() {
    Cli.Run run = cli.run("status", "default:12345");

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip()).isEqualTo("spool: no job 'default:12345'");
  }

  @Test
  void aMalformedIdIsBadUsage() {
    Cli.Run run = cli.run("status", "x");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("not a job id: 'x' (expected queue:number)");
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
