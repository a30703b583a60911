package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Timestamp;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EnqueueCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

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
  void printsTheIdOfTheNewJob() {
    Cli.Run run = cli.run("enqueue", "send-email", "--args", "{\"to\":\"a@b.c\",\"n\":[1,2]}").ok();

    JobId id = JobId.parse(run.out.strip());
    assertThat(id.queue()).isEqualTo("default");
    JobStatus s = spool.statuses().find(id).orElseThrow();
    assertThat(s.state()).isEqualTo(State.QUEUED);
    assertThat(s.jobName()).contains("send-email");
    assertThat(s.raw().get("a")).isEqualTo("{\"to\":\"a@b.c\",\"n\":[1,2]}");
    assertThat(run.err).isEmpty();
  }

  @Test
  void takesQueuePriorityAndDelay() {
    Cli.Run run =
        cli.run(
                "enqueue",
                "report",
                "--args",
                "{}",
                "--queue",
                "reports",
                "--priority",
                "5",
                "--delay",
                "1h",
                "--json")
            .ok();

    JsonNode doc = run.json();
    assertThat(doc.get("accepted").asBoolean()).isTrue();
    assertThat(doc.get("holder").isNull()).isTrue();
    JobId id = JobId.parse(doc.get("id").asText());
    assertThat(id.queue()).isEqualTo("reports");
    JobStatus s = spool.statuses().find(id).orElseThrow();
    assertThat(s.state()).isEqualTo(State.SCHEDULED);
    assertThat(s.raw().get("p")).isEqualTo("5");
    assertThat(spool.monitor().counts("reports").delayed()).isEqualTo(1);
  }

  @Test
  void runsAtAGivenInstant() {
    Instant at = Instant.now().plusSeconds(3600);
    JobId id = JobId.parse(cli.run("enqueue", "report", "--at", at.toString()).ok().out.strip());

    JobStatus s = spool.statuses().find(id).orElseThrow();
    assertThat(s.state()).isEqualTo(State.SCHEDULED);
    assertThat(s.timestamp(Timestamp.SCHEDULED_AT)).isPresent();
    assertThat(cli.run("status", id.toString(), "--json").ok().json().get("dueAt").asText())
        .isEqualTo(Instant.ofEpochMilli(at.toEpochMilli()).toString());
    assertThat(cli.run("status", id.toString()).ok().out).containsPattern("due_at +20");
  }

  @Test
  void aRejectedUniqueJobNamesTheHolderAndStillExitsZero() {
    String first =
        cli.run("enqueue", "sync", "--args", "{\"a\":1}", "--unique", "until-executed")
            .ok()
            .out
            .strip();

    Cli.Run again =
        cli.run("enqueue", "sync", "--args", "{\"a\":1}", "--unique", "until-executed").ok();
    Cli.Run json =
        cli.run("enqueue", "sync", "--args", "{\"a\":1}", "--unique", "until-executed", "--json")
            .ok();
    Cli.Run other =
        cli.run("enqueue", "sync", "--args", "{\"a\":2}", "--unique", "until-executed").ok();

    assertThat(again.out).contains("not enqueued").contains("job " + first + " holds");
    assertThat(json.json().get("accepted").asBoolean()).isFalse();
    assertThat(json.json().get("id").asText()).isEqualTo(first);
    assertThat(json.json().get("holder").asText()).isEqualTo(first);
    assertThat(other.out.strip()).isNotEqualTo(first);
    assertThat(spool.monitor().counts("default").ready()).isEqualTo(2);
  }

  @Test
  void pinsAJobToANodeOrKeepsItAway() {
    JobId strict =
        JobId.parse(
            cli.run("enqueue", "cli-echo", "--node", "node-b", "--strict").ok().out.strip());
    JobId loose = JobId.parse(cli.run("enqueue", "cli-echo", "--node", "node-b").ok().out.strip());
    JobId avoid =
        JobId.parse(cli.run("enqueue", "cli-echo", "--not-node", "node-a").ok().out.strip());
    JobId preferAvoid =
        JobId.parse(
            cli.run("enqueue", "cli-echo", "--node", "node-b", "--not-node", "node-a")
                .ok()
                .out
                .strip());

    JsonNode strictStatus = cli.run("status", strict.toString(), "--json").ok().json();
    assertThat(strictStatus.get("affinity").get("node").asText()).isEqualTo("node-b");
    assertThat(strictStatus.get("affinity").get("strict").asBoolean()).isTrue();
    assertThat(strictStatus.get("affinity").get("notNode").isNull()).isTrue();
    assertThat(cli.run("status", loose.toString(), "--json").ok().json().get("affinity"))
        .hasToString("{\"node\":\"node-b\",\"strict\":false,\"notNode\":null}");
    assertThat(cli.run("status", avoid.toString()).ok().out)
        .containsPattern("(?m)^runs on +any node but node-a$");
    assertThat(cli.run("status", strict.toString()).ok().out)
        .containsPattern("(?m)^runs on +node-b only \\(strict\\)$");
    assertThat(cli.run("status", preferAvoid.toString()).ok().out)
        .containsPattern("(?m)^runs on +node-b \\(or another but node-a if it is down\\)$");

    // Two nodes: the pinned jobs run on node-b, the other one not on node-a. (node-b starts
    // first: a job pinned loosely to a node that is not up may run anywhere.)
    Worker b = TestJobHandlers.on(spool.worker("node-b")).start();
    Worker a = TestJobHandlers.on(spool.worker("node-a")).start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  List.of(strict, loose, avoid, preferAvoid).stream()
                      .allMatch(id -> state(id) == State.SUCCEEDED));
    } finally {
      a.close();
      b.close();
    }
    assertThat(node(strict)).isEqualTo("node-b");
    assertThat(node(loose)).isEqualTo("node-b");
    assertThat(node(avoid)).isEqualTo("node-b");
    assertThat(node(preferAvoid)).isEqualTo("node-b");
  }

  @Test
  void nodeOptionsThatDoNotGoTogetherAreBadUsage() {
    Cli.Run both = cli.run("enqueue", "t", "--node", "a", "--not-node", "a");
    Cli.Run strictAlone = cli.run("enqueue", "t", "--strict");
    Cli.Run badName = cli.run("enqueue", "t", "--node", "a|b");
    Cli.Run badNotNode = cli.run("enqueue", "t", "--not-node", " ");

    assertThat(both.code).isEqualTo(2);
    assertThat(both.err).contains("--node and --not-node name the same node 'a'");
    assertThat(strictAlone.code).isEqualTo(2);
    assertThat(strictAlone.err).contains("--strict goes with --node NODE");
    assertThat(badName.code).isEqualTo(2);
    assertThat(badName.err).contains("--node: invalid node name 'a|b'");
    assertThat(badNotNode.code).isEqualTo(2);
    assertThat(badNotNode.err).contains("--not-node: invalid node name");
    assertThat(spool.monitor().queues()).isEmpty();
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }

  private String node(JobId id) {
    return spool.statuses().findOrUnknown(id).raw().get("w");
  }

  @Test
  void takesArgumentsTooBigForACommandLineFromAFileOrStdin(@TempDir Path dir) throws Exception {
    // Linux takes at most 128 KiB in one command-line argument; this is over, within the 512 KiB
    // payload limit.
    String big = "{\"blob\":\"" + "x".repeat(400_000) + "\"}";
    Path file = Files.writeString(dir.resolve("args.json"), big);

    JobId fromFile =
        JobId.parse(cli.run("enqueue", "big", "--args-file", file.toString()).ok().out.strip());
    JobId fromStdin = JobId.parse(cli.enqueueWithInput(big, "big", "--args", "-").ok().out.strip());

    for (JobId id : List.of(fromFile, fromStdin)) {
      assertThat(spool.statuses().find(id).orElseThrow().raw().get("a")).isEqualTo(big);
    }
    Cli.Run status = cli.run("status", fromFile.toString()).ok();
    assertThat(status.out.length()).isLessThan(10_000);
    assertThat(status.out).contains("more characters; --json shows all");
    assertThat(
            cli.run("status", fromFile.toString(), "--json")
                .ok()
                .json()
                .get("args")
                .get("blob")
                .asText())
        .hasSize(400_000);
  }

  @Test
  void noRetryForStoresTheClassesWithTheJobsPolicy() {
    JobId id =
        JobId.parse(
            cli.run(
                    "enqueue",
                    "charge",
                    "--attempts",
                    "5",
                    "--no-retry-for",
                    "java.lang.IllegalArgumentException",
                    "--no-retry-for",
                    "java.io.FileNotFoundException")
                .ok()
                .out
                .strip());
    String options = spool.statuses().find(id).orElseThrow().raw().get("o");
    assertThat(options)
        .contains("\"attempts\":5")
        .contains("[\"java.io.FileNotFoundException\",\"java.lang.IllegalArgumentException\"]");

    Cli.Run bad = cli.run("enqueue", "charge", "--no-retry-for", "not a class");
    assertThat(bad.code).isEqualTo(2);
    assertThat(bad.err).contains("--no-retry-for: 'not a class' is not a class name");
  }

  @Test
  void noRetryForRefusesAJdkClassThatIsNoExceptionAndTakesNamesItCannotCheck() {
    Cli.Run string = cli.run("enqueue", "charge", "--no-retry-for", "java.lang.String");
    Cli.Run unknownHere =
        cli.run("enqueue", "charge", "--no-retry-for", "com.example.billing.CardDeclined").ok();
    Cli.Run error =
        cli.run("enqueue", "charge", "--no-retry-for", "java.lang.OutOfMemoryError").ok();

    assertThat(string.code).isEqualTo(2);
    assertThat(string.err)
        .contains("--no-retry-for: java.lang.String is not an exception class (not a Throwable)");
    assertThat(unknownHere.out).isNotBlank(); // matched by name on the worker, unknown here
    assertThat(error.out).isNotBlank();
    assertThat(spool.monitor().queues()).containsExactly("default");
  }

  @Test
  void argumentsFarOverTheLimitAreRefusedWithoutReadingThemAll(@TempDir Path dir) throws Exception {
    // Valid JSON, many times the limit: refused as too large, not as invalid, nor with the heap.
    String huge = "{\"blob\":\"" + "x".repeat(EnqueueCommand.MAX_ARGS_TEXT_BYTES + 10) + "\"}";
    Path file = Files.writeString(dir.resolve("huge.json"), huge);

    Cli.Run fromFile = cli.run("enqueue", "big", "--args-file", file.toString());
    Cli.Run fromStdin = cli.enqueueWithInput(huge, "big", "--args", "-");

    for (Cli.Run run : List.of(fromFile, fromStdin)) {
      assertThat(run.code).isEqualTo(2);
      assertThat(run.err)
          .contains(
              ": the arguments are over "
                  + EnqueueCommand.MAX_ARGS_TEXT_BYTES
                  + " bytes of JSON, over the limit of 524288 bytes per job;"
                  + " --max-payload-bytes raises it");
    }
    assertThat(spool.monitor().counts("default").ready()).isZero();
  }

  @Test
  void argumentsOverTheLimitAreBadUsageThatTheLimitOptionLetsThrough(@TempDir Path dir)
      throws Exception {
    String big = "{\"blob\":\"" + "x".repeat(600_000) + "\"}";
    Path file = Files.writeString(dir.resolve("big.json"), big);

    Cli.Run refused = cli.run("enqueue", "big", "--args-file", file.toString());

    assertThat(refused.code).as(refused.err).isEqualTo(2);
    assertThat(refused.err)
        .startsWith(
            "spool enqueue: --args-file "
                + file
                + ": the arguments are 600011 bytes of JSON, over the limit of 524288 bytes per"
                + " job; --max-payload-bytes raises it")
        .doesNotContain("Spool.Builder");
    assertThat(spool.monitor().counts("default").ready()).isZero();

    JobId id =
        JobId.parse(
            cli.run(
                    "enqueue",
                    "big",
                    "--args-file",
                    file.toString(),
                    "--max-payload-bytes",
                    "1000000")
                .ok()
                .out
                .strip());
    assertThat(spool.statuses().find(id).orElseThrow().raw().get("a")).isEqualTo(big);

    Cli.Run zero = cli.run("enqueue", "big", "--max-payload-bytes", "0");
    assertThat(zero.code).isEqualTo(2);
    assertThat(zero.err).contains("--max-payload-bytes must be at least 1, got 0");
  }

  @Test
  void numbersAreKeptAsWrittenAndAByteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
    JobId id =
        JobId.parse(
            cli.run(
                    "enqueue",
                    "calc",
                    "--args",
                    "{\"pi\":3.141592653589793238462643383279,"
                        + "\"big\":1e999,\"n\":12345678901234567890}")
                .ok()
                .out
                .strip());
    String stored = spool.statuses().find(id).orElseThrow().raw().get("a");
    assertThat(stored)
        .contains("3.141592653589793238462643383279")
        .contains("1E+999")
        .contains("12345678901234567890")
        .doesNotContain("Infinity");

    Path bom = dir.resolve("bom.json");
    Files.write(bom, ("\uFEFF{\"to\":\"a@b.c\"}").getBytes(StandardCharsets.UTF_8));
    JobId fromBom =
        JobId.parse(
            cli.run("enqueue", "send-email", "--args-file", bom.toString()).ok().out.strip());
    assertThat(spool.statuses().find(fromBom).orElseThrow().raw().get("a"))
        .isEqualTo("{\"to\":\"a@b.c\"}");
  }

  @Test
  void argumentSourcesAreExclusiveAndAMissingFileIsNamed(@TempDir Path dir) throws IOException {
    Cli.Run both = cli.run("enqueue", "t", "--args", "{}", "--args-file", "x.json");
    Cli.Run missing = cli.run("enqueue", "t", "--args-file", dir.resolve("nope.json").toString());
    Cli.Run atFile = cli.run("enqueue", "t", "--args", "@" + dir.resolve("nope.json"));
    Files.writeString(dir.resolve("bad.json"), "{\"to\": [1, 2}");
    Cli.Run badFile = cli.run("enqueue", "t", "--args-file", dir.resolve("bad.json").toString());

    assertThat(both.code).isEqualTo(2);
    assertThat(both.err)
        .contains(
            "spool enqueue: --args and --args-file cannot be used together: give one of them");
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.err).contains("--args-file: no such file: " + dir.resolve("nope.json"));
    assertThat(atFile.code).as("@file is not expanded: it is (invalid) JSON").isEqualTo(2);
    assertThat(atFile.err).contains("--args is not valid JSON");
    assertThat(badFile.code).isEqualTo(2);
    assertThat(badFile.err)
        .contains("--args-file " + dir.resolve("bad.json") + " is not valid JSON")
        .contains("expected ']' (for Array starting at line 1, column 8)")
        .doesNotContain("Source")
        .doesNotContain("StreamReadFeature");
  }

  @Test
  void malformedJsonIsBadUsageWithTheParseMessage() {
    Cli.Run run = cli.run("enqueue", "send-email", "--args", "{\"to\":");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.out).isEmpty();
    assertThat(run.err)
        .contains("--args is not valid JSON")
        .contains("Unexpected end-of-input")
        .contains("line 1, column");
    assertThat(spool.monitor().queues()).isEmpty();
  }

  @Test
  void aKeyGivenTwiceIsBadUsageNotTheLastOneKept() {
    Cli.Run run = cli.run("enqueue", "send-email", "--args", "{\"a\":1,\"a\":2}");
    Cli.Run nested = cli.run("enqueue", "send-email", "--args", "[{\"b\":{\"c\":1,\"c\":1}}]");

    assertThat(run.code).as(run.err).isEqualTo(2);
    assertThat(run.err).contains("--args has a duplicate key 'a' (line 1, column");
    assertThat(nested.code).as(nested.err).isEqualTo(2);
    assertThat(nested.err).contains("duplicate key 'c'");
    assertThat(spool.monitor().queues()).isEmpty();
  }

  @Test
  void aLoneSurrogateIsBadUsageNotAQuestionMark() {
    // JSON escapes written out here so that javac reads no escape of its own.
    String bs = "\\";
    Cli.Run value = cli.run("enqueue", "t", "--args", "{\"a\":\"" + bs + "ud800\"}");
    Cli.Run key = cli.run("enqueue", "t", "--args", "{\"" + bs + "udc00x\":1}");
    Cli.Run inArray = cli.run("enqueue", "t", "--args", "[\"ok\",[\"" + bs + "ud800z\"]]");
    Cli.Run pair = cli.run("enqueue", "t", "--args", "{\"a\":\"" + bs + "ud83d" + bs + "ude00\"}");

    assertThat(value.code).as(value.err).isEqualTo(2);
    assertThat(value.err).contains("--args is not valid Unicode: the value at /a holds a lone");
    assertThat(key.code).as(key.err).isEqualTo(2);
    assertThat(key.err).contains("surrogate"); // Jackson's own message for a key
    assertThat(inArray.code).as(inArray.err).isEqualTo(2);
    assertThat(inArray.err).contains("the value at /1/0 holds a lone surrogate");
    JobId id = JobId.parse(pair.ok().out.strip()); // a pair is one character, as UTF-8 holds it
    assertThat(spool.statuses().find(id).orElseThrow().raw().get("a"))
        .isEqualTo("{\"a\":\"" + new String(Character.toChars(0x1F600)) + "\"}");
  }

  @Test
  void trailingGarbageAfterTheJsonIsBadUsage() {
    Cli.Run run = cli.run("enqueue", "send-email", "--args", "{} x");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--args is not valid JSON");
  }

  @Test
  void badOptionsAreBadUsage() {
    assertThat(cli.run("enqueue", "bad name").code).isEqualTo(2);
    assertThat(cli.run("enqueue", "t", "--priority", "5000").err)
        .contains("--priority: priority must be in [-1000, 1000], got 5000");
    Cli.Run huge = cli.run("enqueue", "t", "--priority", "99999999999999");
    assertThat(huge.code).isEqualTo(2);
    assertThat(huge.err)
        .contains("--priority: priority must be in [-1000, 1000], got 99999999999999")
        .doesNotContain("not an int");
    assertThat(cli.run("enqueue", "t", "--priority", "high").err)
        .contains("--priority: 'high' is not a whole number from -1000 to 1000");
    Cli.Run two = cli.run("enqueue", "t", "--args", "{\"a\":1}{\"b\":2}");
    assertThat(two.code).isEqualTo(2);
    assertThat(two.err)
        .contains("--args is not one JSON value: trailing data after it (line 1, column")
        .doesNotContain("jackson")
        .doesNotContain("FAIL_ON_TRAILING_TOKENS");
    assertThat(cli.run("enqueue", "t", "--unique", "forever").err)
        .contains("--unique: unknown lock 'forever'");
    assertThat(cli.run("enqueue", "t", "--delay", "1s", "--at", "2030-01-01T00:00:00Z").code)
        .isEqualTo(2);
    Cli.Run at = cli.run("enqueue", "t", "--at", "tomorrow");
    assertThat(at.code).isEqualTo(2);
    assertThat(at.err).contains("'tomorrow' is not an ISO-8601 instant");
    assertThat(cli.run("enqueue", "t", "--queue", "a b").err).contains("invalid queue name");
    assertThat(cli.run("enqueue").code).isEqualTo(2);
  }
}
