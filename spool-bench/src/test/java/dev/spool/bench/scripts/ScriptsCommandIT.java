package dev.spool.bench.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.bench.BenchCli;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs {@code bench scripts} at a tiny size against the suite's Redis, with the checkout's own HEAD
 * as baseline: every job runs, each version's calls are counted, the table is printed, and the
 * namespace is gone afterwards. No timings are asserted.
 */
class ScriptsCommandIT {
  // A server of its own: the command changes the SLOWLOG's settings while it runs.
  @RegisterExtension static SpoolRedis redis = SpoolRedis.dedicated();

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  record Outcome(int exit, List<JsonNode> lines, String out, String err) {}

  private static Outcome bench(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("scripts", "--redis", redis.uri()));
    all.addAll(List.of(args));
    BenchCli run = BenchCli.run(all);
    return new Outcome(run.exit(), run.jsonLines(false), run.out(), run.err());
  }

  @Test
  void measuresBothVersionsOfBothScriptsInBothModes() throws Exception {
    Map<String, String> slowlogBefore = slowlogSettings();
    Outcome o =
        bench(
            "--baseline",
            "HEAD",
            "--jobs",
            "650",
            "--batch",
            "64",
            "--runs",
            "1",
            "--outstanding",
            "2");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.lines()).hasSize(2);
    assertThat(o.lines())
        .extracting(l -> l.get("mode").asText())
        .containsExactly("keep", "no-keep");
    for (JsonNode line : o.lines()) {
      assertThat(line.get("jobs").asInt()).isEqualTo(650);
      for (String script : List.of("fetch", "complete")) {
        JsonNode cell = line.get(script);
        // 10 full batches taken in turns, 5 calls of each version; the short 11th is not counted
        assertThat(cell.get("baselineCalls").asInt()).as(line.toString()).isEqualTo(5);
        assertThat(cell.get("buildCalls").asInt()).as(line.toString()).isEqualTo(5);
        assertThat(cell.get("baseline").asDouble()).isPositive();
        assertThat(cell.get("build").asDouble()).isPositive();
      }
    }
    assertThat(o.out()).contains("| keep | both |").contains("| no-keep | both |");
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      assertThat(c.sync().keys("bench-scripts-*")).isEmpty();
    } finally {
      client.shutdown();
    }
    // the suite's Redis is left with the SLOWLOG settings it had
    assertThat(slowlogSettings()).isEqualTo(slowlogBefore);
  }

  private static Map<String, String> slowlogSettings() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().configGet("slowlog-*");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aBaselineGitCannotShowIsRefusedAtOnce() throws Exception {
    Outcome o = bench("--baseline", "no-such-revision-anywhere", "--jobs", "128", "--runs", "1");
    assertThat(o.exit()).isEqualTo(ScriptsCommand.EXIT_SETUP);
    assertThat(o.err()).contains("git cannot show").contains("no-such-revision-anywhere");
    assertThat(o.lines()).isEmpty();
  }

  @Test
  void tooFewJobsForAFullBatchOfEachVersionAreRefused() throws Exception {
    Outcome o = bench("--baseline", "HEAD", "--jobs", "100", "--batch", "64");
    assertThat(o.exit()).isEqualTo(ScriptsCommand.EXIT_SETUP);
    assertThat(o.err()).contains("--jobs at least twice --batch");
  }

  @Test
  void anUnknownModeIsRefused() throws Exception {
    Outcome o = bench("--baseline", "HEAD", "--modes", "keep,sometimes");
    assertThat(o.exit()).isEqualTo(ScriptsCommand.EXIT_SETUP);
    assertThat(o.err()).contains("'sometimes'");
  }
}
