package dev.spool.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** Runs each workload at a tiny size: every line parses, every count is verified. No timings. */
class BenchCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Outcome(int exit, List<JsonNode> lines, String err) {}

  private static Outcome bench(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--redis", redis.uri(), "--runs", "1", "--warmup", "0"));
    BenchCli run = BenchCli.run(all);
    return new Outcome(run.exit(), run.jsonLines(true), run.err());
  }

  /** One run line and one summary line, both verified, for the given workload. */
  private static JsonNode verifiedRun(Outcome o, String workload) {
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.lines()).hasSize(2);
    JsonNode run = o.lines().get(0);
    JsonNode summary = o.lines().get(1);
    assertThat(run.get("workload").asText()).isEqualTo(workload);
    assertThat(run.get("verified").asBoolean()).as(run.toString()).isTrue();
    assertThat(run.get("problems")).isEmpty();
    assertThat(run.get("redis").get("version").asText()).isNotBlank();
    assertThat(run.get("redis").get("dedicated").asBoolean()).isFalse();
    assertThat(summary.get("workload").asText()).isEqualTo(workload);
    assertThat(summary.get("summary").asBoolean()).isTrue();
    assertThat(summary.get("verified").asBoolean()).isTrue();
    assertThat(summary.get("verifiedRuns").asInt()).isEqualTo(1);
    return run;
  }

  @Test
  void aRedisNotOnLoopbackIsRefusedInPlainWords() {
    BenchCli run =
        BenchCli.run(List.of("throughput", "--jobs", "10", "--redis", "redis://10.0.0.1:6379"));

    assertThat(run.exit()).isEqualTo(WorkloadCommand.EXIT_SETUP);
    assertThat(run.err())
        .startsWith("spool bench throughput: cannot start: benchmarks only target a Redis on")
        .doesNotContain("Exception");
  }

  @Test
  void batch() throws Exception {
    Outcome o = bench("batch", "--parts", "1500", "--concurrency", "50");
    JsonNode run = verifiedRun(o, "W1-batch");
    assertThat(run.get("figures").get("onCompleteRuns").asInt()).isEqualTo(1);
    assertThat(run.get("figures").get("batchJobsPerSec").asDouble()).isPositive();
  }

  @Test
  void cancel() throws Exception {
    JsonNode run = verifiedRun(bench("cancel", "--queued", "3000", "--ops", "200"), "W-cancel");
    JsonNode f = run.get("figures");
    assertThat(f.get("readyAfter").asLong()).isEqualTo(2400);
    assertThat(f.get("forceDeleteP50Ms").asDouble()).isPositive();
  }

  @Test
  void enqueue() throws Exception {
    JsonNode run = verifiedRun(bench("enqueue", "--jobs", "2500", "--chunk", "1000"), "W1e");
    JsonNode f = run.get("figures");
    assertThat(f.get("enqueued").asInt()).isEqualTo(2500);
    assertThat(f.get("scriptCalls").asLong()).isPositive();
    assertThat(f.get("redisCpuUsPerJob").isNumber()).isTrue();
  }

  @Test
  void enqueueWithOptionsPerJob() throws Exception {
    JsonNode run = verifiedRun(bench("enqueue", "--jobs", "1000", "--per-job-options"), "W1e");
    assertThat(run.get("settings").get("perJobOptions").asBoolean()).isTrue();
    assertThat(run.get("figures").get("enqueued").asInt()).isEqualTo(1000);
  }

  @Test
  void throughputWithUniqueJobs() throws Exception {
    Outcome o =
        bench(
            "throughput",
            "--unique",
            "--jobs",
            "1000",
            "--ceiling-ops",
            "1000",
            "--ceiling-round-trip-ops",
            "100");
    JsonNode run = verifiedRun(o, "W1");
    assertThat(run.get("settings").get("unique").asBoolean()).isTrue();
    assertThat(run.get("figures").get("enqueued").asInt()).isEqualTo(1000);
  }

  @Test
  void throughput() throws Exception {
    Outcome o =
        bench(
            "throughput",
            "--jobs",
            "2000",
            "--concurrency",
            "50",
            "--ceiling-ops",
            "5000",
            "--ceiling-round-trip-ops",
            "500");
    JsonNode run = verifiedRun(o, "W1");
    JsonNode f = run.get("figures");
    assertThat(run.get("settings").get("jobs").asInt()).isEqualTo(2000);
    assertThat(f.get("enqueued").asInt()).isEqualTo(2000);
    assertThat(f.get("handlerRuns").asLong()).isGreaterThanOrEqualTo(2000);
    assertThat(f.get("distinctJobsRun").asInt()).isEqualTo(2000);
    assertThat(f.get("processedJobsPerSec").asDouble()).isPositive();
    assertThat(f.get("ceilingPipelinedOpsPerSec").asDouble()).isPositive();
    assertThat(f.get("processedFractionOfCeiling").isNumber()).isTrue();
    assertThat(o.lines().get(1).get("figures").get("processedJobsPerSec").get("median").isNumber())
        .isTrue();
  }

  @Test
  void latency() throws Exception {
    JsonNode run = verifiedRun(bench("latency", "--rate", "200", "--seconds", "1"), "W2");
    JsonNode f = run.get("figures");
    assertThat(f.get("count").asLong()).isGreaterThanOrEqualTo(200);
    assertThat(f.get("distinctJobsRun").asInt()).isEqualTo(200);
    assertThat(f.get("p50Ms").isNumber()).isTrue();
    assertThat(f.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(f.get("p50Ms").asDouble());
  }

  @Test
  void delayed() throws Exception {
    JsonNode run = verifiedRun(bench("delayed", "--jobs", "200", "--seconds", "1"), "W3");
    JsonNode f = run.get("figures");
    assertThat(f.get("count").asLong()).isGreaterThanOrEqualTo(200);
    assertThat(f.get("distinctJobsRun").asInt()).isEqualTo(200);
    assertThat(f.get("latenessP99Ms").isNumber()).isTrue();
  }

  @Test
  void memory() throws Exception {
    JsonNode run = verifiedRun(bench("memory", "--jobs", "2000"), "W4");
    JsonNode f = run.get("figures");
    assertThat(f.get("distinctJobsRun").asInt()).isEqualTo(2000);
    assertThat(f.get("bytesPerQueuedJob").isNumber()).isTrue();
    assertThat(f.get("bytesPerRetainedStatus").isNumber()).isTrue();
    assertThat(f.get("keysWhileQueued").asLong()).isPositive();
  }

  @Test
  void dashboard() throws Exception {
    JsonNode run = verifiedRun(bench("dashboard", "--statuses", "2000", "--queries", "10"), "W6");
    JsonNode f = run.get("figures");
    for (String form : DashboardBenchCommand.FORMS) {
      assertThat(f.get(form + "P50Ms").isNumber()).as(form).isTrue();
      assertThat(f.get(form + "P99Ms").isNumber()).as(form).isTrue();
    }
  }

  @Test
  void statuses() throws Exception {
    JsonNode run = verifiedRun(bench("statuses", "--statuses", "3000", "--queries", "5"), "W5");
    JsonNode f = run.get("figures");
    assertThat(run.get("settings").get("statuses").asInt()).isEqualTo(3000);
    assertThat(f.get("distinctJobsRun").asInt()).isEqualTo(2400);
    assertThat(f.get("succeeded").asLong()).isEqualTo(2100);
    assertThat(f.get("failed").asLong()).isEqualTo(300);
    assertThat(f.get("queued").asLong()).isEqualTo(300);
    assertThat(f.get("scheduled").asLong()).isEqualTo(300);
    assertThat(f.get("failedCountMatches").asLong()).isEqualTo(300);
    assertThat(f.get("threeClauseCountMatches").asLong()).isPositive();
    assertThat(f.get("jobArgCountMatches").asLong()).isPositive();
    assertThat(f.get("allCountMatches").asLong()).isEqualTo(3000);
    for (String form : StatusQueryCommand.FORMS) {
      assertThat(f.get(form + "P99Ms").asDouble())
          .as(form)
          .isGreaterThanOrEqualTo(f.get(form + "P50Ms").asDouble());
    }
    assertThat(f.get("bytesPerStatus").isNumber()).isTrue();
    assertThat(f.get("indexKeys").asLong()).isPositive();
  }

  @Test
  void statusesAboveALongHistoryWithAndWithoutTheBucketDirectory() throws Exception {
    for (boolean walk : new boolean[] {false, true}) {
      List<String> args =
          new ArrayList<>(
              List.of("statuses", "--statuses", "1000", "--queries", "3", "--history", "5000000"));
      if (walk) {
        args.add("--walk-every-bucket");
      }
      JsonNode run = verifiedRun(bench(args.toArray(String[]::new)), "W5");
      assertThat(run.get("settings").get("history").asLong()).isEqualTo(5_000_000);
      assertThat(run.get("settings").get("walkEveryBucket").asBoolean()).isEqualTo(walk);
      assertThat(run.get("figures").get("allCountMatches").asLong()).isEqualTo(1000);
    }
  }

  @Test
  void allRunsEveryWorkloadScaledDown() throws Exception {
    Outcome o = bench("all", "--scale", "0.01");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.lines()).hasSize(10);
    assertThat(o.lines().stream().map(l -> l.get("workload").asText()).distinct())
        .containsExactly("W1", "W2", "W3", "W4", "W5");
    assertThat(o.lines()).allSatisfy(l -> assertThat(l.get("verified").asBoolean()).isTrue());
  }

  @Test
  void aNamespaceInUseIsNeitherUsedNorDeleted() throws Exception {
    String namespace = SpoolRedis.namespace();
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().set(namespace + ":someone-elses", "x");
      Outcome o = bench("throughput", "--jobs", "10", "--namespace", namespace);
      assertThat(o.exit()).isEqualTo(1);
      assertThat(o.lines()).hasSize(2);
      assertThat(o.lines().get(0).get("verified").asBoolean()).isFalse();
      assertThat(o.lines().get(0).get("problems").get(0).asText()).contains("already has 1 keys");
      assertThat(o.lines().get(1).get("verified").asBoolean()).isFalse();
      assertThat(c.sync().get(namespace + ":someone-elses")).isEqualTo("x");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void refusesARemoteRedisAndBadOptions() throws Exception {
    CommandLine cmd = new CommandLine(new BenchCommand());
    cmd.setOut(new PrintWriter(new StringWriter(), true));
    cmd.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(cmd.execute("throughput", "--redis", "redis://192.0.2.1:6379")).isEqualTo(2);
    assertThat(cmd.execute("throughput", "--jobs", "0")).isEqualTo(2);
    assertThat(cmd.execute("nosuch")).isEqualTo(2);
  }
}
