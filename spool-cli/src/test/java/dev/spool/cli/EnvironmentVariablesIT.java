package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testkit.SpoolRedis;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code $SPOOL_REDIS} and {@code $SPOOL_NAMESPACE} stand in for the options, and an error about
 * their value names them. Each case runs {@code spool} in a process of its own: a JVM reads its
 * environment once, at start.
 */
class EnvironmentVariablesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @TempDir Path dir;

  @Test
  void theVariablesChooseTheRedisAndTheNamespace() throws Exception {
    String ns = SpoolRedis.namespace();

    Cli.Run run =
        spool(Map.of("SPOOL_REDIS", redis.uri(), "SPOOL_NAMESPACE", ns), "stats", "--json");

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.json().get("namespace").asText()).isEqualTo(ns);
  }

  @Test
  void emptyVariablesAreVariablesNotSet() throws Exception {
    Cli.Run namespace =
        spool(Map.of("SPOOL_REDIS", redis.uri(), "SPOOL_NAMESPACE", ""), "stats", "--json");

    assertThat(namespace.code).as(namespace.err).isZero();
    assertThat(namespace.json().get("namespace").asText()).isEqualTo("spool");

    Cli.Run uri = spool(Map.of("SPOOL_REDIS", ""), "stats", "--namespace", SpoolRedis.namespace());

    // The default Redis, which a test machine may or may not run: not bad usage either way.
    assertThat(uri.code).as(uri.err).isNotEqualTo(2);
    assertThat(uri.err).doesNotContain("$SPOOL_REDIS");
  }

  @Test
  void aMalformedUriFromSpoolRedisIsBadUsageThatNamesTheVariable() throws Exception {
    Cli.Run run = spool(Map.of("SPOOL_REDIS", "redis://127.0.0.1:notaport"), "stats");

    assertThat(run.code).as(run.err).isEqualTo(2);
    assertThat(run.err)
        .startsWith(
            "spool stats: $SPOOL_REDIS: 'redis://127.0.0.1:notaport': the port 'notaport' of")
        .doesNotContain("--redis:");
  }

  @Test
  void aBadNamespaceFromSpoolNamespaceIsBadUsageThatNamesTheVariable() throws Exception {
    Cli.Run run =
        spool(Map.of("SPOOL_REDIS", redis.uri(), "SPOOL_NAMESPACE", "two words"), "stats");

    assertThat(run.code).as(run.err).isEqualTo(2);
    assertThat(run.err)
        .startsWith("spool stats: $SPOOL_NAMESPACE: ")
        .contains("two words")
        .doesNotContain("--namespace:");
  }

  @Test
  void anOptionGivenBesideTheVariableIsNamedAsTheOption() throws Exception {
    Cli.Run run =
        spool(
            Map.of("SPOOL_REDIS", redis.uri(), "SPOOL_NAMESPACE", SpoolRedis.namespace()),
            "stats",
            "--redis",
            "redis://127.0.0.1:notaport",
            "--namespace",
            "two words");

    assertThat(run.code).as(run.err).isEqualTo(2);
    assertThat(run.err)
        .startsWith("spool stats: --redis: 'redis://127.0.0.1:notaport'")
        .doesNotContain("SPOOL_REDIS");
  }

  /** {@code spool ARGS} in a new JVM with this environment (and no other Spool variables). */
  private Cli.Run spool(Map<String, String> environment, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    File out = dir.resolve("out").toFile();
    File err = dir.resolve("err").toFile();
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
    builder.environment().remove(ClientOptions.REDIS_VARIABLE);
    builder.environment().remove(ClientOptions.NAMESPACE_VARIABLE);
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("spool " + String.join(" ", args) + " did not end in 60 s");
    }
    return new Cli.Run(
        process.exitValue(),
        Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }
}
