package dev.spool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompareCommandTest {
  private static CompareCommand parse(String... args) {
    CompareCommand command = new CompareCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void defaultsAreTheIssuesWorkloads() {
    CompareCommand c = parse();
    c.validate();
    assertThat(c.runs).isEqualTo(3);
    assertThat(c.systems).containsExactly("spool", "bullmq");
    assertThat(c.workloads).containsExactly("incr", "noop", "latency", "delayed", "single");
    assertThat(c.jobs).isEqualTo(100_000);
    assertThat(c.chunk).isEqualTo(1000);
    assertThat(c.concurrency).isEqualTo(200);
    assertThat(c.rates).containsExactly(500, 1000);
    assertThat(c.delayedJobs).isEqualTo(5000);
    assertThat(c.singleJobs).isEqualTo(20_000);
    assertThat(c.warm).isEqualTo(1000);
    assertThat(c.spoolVariant).isNull();
    assertThat(c.consolidateHandlerFlushes).isFalse();
  }

  @Test
  void listsAndTheVariantHookParse() {
    CompareCommand c =
        parse(
            "--systems",
            "spool",
            "--workloads",
            "incr,latency",
            "--rates",
            "200",
            "--spool-worker-arg",
            "--lease=20s",
            "--spool-variant",
            "--some-option x",
            "--consolidate-handler-flushes");
    c.validate();
    assertThat(c.systems).containsExactly("spool");
    assertThat(c.workloads).containsExactly("incr", "latency");
    assertThat(c.rates).containsExactly(200);
    assertThat(c.spoolWorkerArgs).containsExactly("--lease=20s");
    assertThat(c.spoolVariant).isEqualTo("--some-option x");
    assertThat(c.consolidateHandlerFlushes).isTrue();
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> parse("--runs", "0").validate()).hasMessageContaining("--runs");
    assertThatThrownBy(() -> parse("--systems", "sidekiq").validate())
        .hasMessageContaining("--systems");
    assertThatThrownBy(() -> parse("--workloads", "w9").validate())
        .hasMessageContaining("--workloads");
    assertThatThrownBy(() -> parse("--rates", "0").validate()).hasMessageContaining("--rates");
    assertThatThrownBy(() -> parse("--single-jobs", "0").validate())
        .hasMessageContaining("--single-jobs");
    assertThatThrownBy(() -> parse("--systems", "bullmq", "--spool-variant", "x").validate())
        .hasMessageContaining("--spool-variant");
  }

  @Test
  void whoGoesFirstAlternatesRunByRun() {
    List<String> systems = List.of("bullmq", "spool");
    assertThat(CompareCommand.rotated(systems, 0)).containsExactly("bullmq", "spool");
    assertThat(CompareCommand.rotated(systems, 1)).containsExactly("spool", "bullmq");
    assertThat(CompareCommand.rotated(systems, 2)).containsExactly("bullmq", "spool");
  }

  @Test
  void redisServerIsTheGivenOneThenTheEnvironmentThenThePathThenTheFetchedOne(@TempDir Path dir)
      throws IOException {
    Path given = executable(dir.resolve("given/redis-server"));
    Path fromEnv = executable(dir.resolve("env/redis-server"));
    Path onPath = executable(dir.resolve("path/redis-server"));
    Path root = dir.resolve("checkout");
    Path fetched = executable(root.resolve("bench/compare/.redis/redis-server"));

    Map<String, String> env =
        Map.of("SPOOL_REDIS_SERVER", fromEnv.toString(), "PATH", onPath.getParent().toString());
    assertThat(PrivateRedis.resolve(given, env, root).orElseThrow().path()).isEqualTo(given);
    assertThat(PrivateRedis.resolve(null, env, root).orElseThrow().path()).isEqualTo(fromEnv);
    assertThat(
            PrivateRedis.resolve(null, Map.of("PATH", onPath.getParent().toString()), root)
                .orElseThrow()
                .path())
        .isEqualTo(onPath);
    assertThat(
            PrivateRedis.resolve(null, Map.of("PATH", "/nonexistent"), root).orElseThrow().path())
        .isEqualTo(fetched);
    assertThat(PrivateRedis.resolve(null, Map.of(), dir.resolve("elsewhere"))).isEmpty();
  }

  private static Path executable(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }
}
