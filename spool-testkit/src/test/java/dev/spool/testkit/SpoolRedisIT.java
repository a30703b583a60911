package dev.spool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SpoolRedisIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void sharedServerAnswersPingAndIsOneInstance() throws Exception {
    assertThat(SpoolRedis.embedded()).isSameAs(redis).isSameAs(SpoolRedis.embedded());
    assertThat(redis.isRunning()).isTrue();
    try (RespClient client = connect(redis)) {
      assertThat(client.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void sharedServerIsTheSameFromManyThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<SpoolRedis>> calls =
          IntStream.range(0, 32).<Callable<SpoolRedis>>mapToObj(i -> SpoolRedis::embedded).toList();
      for (Future<SpoolRedis> result : pool.invokeAll(calls)) {
        assertThat(result.get()).isSameAs(redis);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void describesTheServer() {
    assertThat(redis.host()).isEqualTo("127.0.0.1");
    assertThat(redis.port()).isPositive();
    assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
    assertThat(redis.version()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void sharedServerRefusesFlushAllAndIgnoresClose() throws Exception {
    assertThatThrownBy(redis::flushAll)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("namespace()");
    redis.close();
    try (RespClient client = connect(redis)) {
      assertThat(client.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void namespacesAreUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String namespace = SpoolRedis.namespace();
      assertThat(namespace).matches("t\\d+-[0-9a-z]{6}");
      assertThat(seen.add(namespace)).as("unique: %s", namespace).isTrue();
    }
  }

  @Test
  void dedicatedServerKeepsWritesAcrossStopAndStart() throws Exception {
    try (SpoolRedis own = SpoolRedis.dedicated()) {
      assertThat(own).isNotSameAs(redis);
      assertThat(own.port()).isNotEqualTo(redis.port());
      String key = SpoolRedis.namespace() + ":greeting";
      try (RespClient client = connect(own)) {
        assertThat(client.call("SET", key, "héllo")).isEqualTo("OK");
      }

      own.stop();
      assertThat(own.isRunning()).isFalse();
      own.start();

      try (RespClient client = connect(own)) {
        assertThat(client.call("GET", key)).isEqualTo("héllo");
      }
    }
  }

  @Test
  void stopThenStartReusesThePort() throws Exception {
    try (SpoolRedis own = SpoolRedis.dedicated()) {
      int port = own.port();
      String uri = own.uri();

      own.stop();
      assertThatThrownBy(() -> connect(own)).isInstanceOf(IOException.class);
      own.start();
      assertThat(own.port()).isEqualTo(port);
      assertThat(own.uri()).isEqualTo(uri);
      own.restart();
      assertThat(own.port()).isEqualTo(port);

      try (RespClient client = connect(own)) {
        assertThat(client.ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void dedicatedServerCanFlushAll() throws Exception {
    try (SpoolRedis own = SpoolRedis.dedicated()) {
      try (RespClient client = connect(own)) {
        client.call("SET", "k", "v");
        own.flushAll();
        assertThat(client.call("DBSIZE")).isEqualTo(0L);
      }
    }
  }

  @Test
  void closeStopsADedicatedServerForGood() throws Exception {
    SpoolRedis own = SpoolRedis.dedicated();
    own.close();
    own.close(); // twice is fine
    assertThat(own.isRunning()).isFalse();
    assertThatThrownBy(() -> connect(own)).isInstanceOf(IOException.class);
    assertThatThrownBy(own::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void binaryFromEnvMustExist(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-redis-server");
    Map<String, String> env = Map.of(RedisBinary.ENV_VAR, missing.toString());

    assertThatThrownBy(() -> RedisBinary.resolve(env, "Linux", "amd64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SPOOL_REDIS_SERVER")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void binaryFromEnvWinsOverPath(@TempDir Path dir) throws IOException {
    Path fromEnv = executable(dir.resolve("env").resolve("my-redis"));
    executable(dir.resolve("bin").resolve("redis-server"));
    Map<String, String> env =
        Map.of(RedisBinary.ENV_VAR, fromEnv.toString(), "PATH", dir.resolve("bin").toString());

    assertThat(RedisBinary.resolve(env, "Linux", "amd64")).isEqualTo(fromEnv);
  }

  @Test
  void binaryIsFoundOnThePath(@TempDir Path dir) throws IOException {
    Path onPath = executable(dir.resolve("bin").resolve("redis-server"));
    String path = dir.resolve("empty") + File.pathSeparator + dir.resolve("bin");

    assertThat(RedisBinary.resolve(Map.of("PATH", path), "Linux", "amd64")).isEqualTo(onPath);
  }

  @Test
  void bundledBinaryIsChosenByPlatform() {
    assertThat(RedisBinary.bundledResource(RedisBinary.os("Linux"), RedisBinary.arch("amd64")))
        .isEqualTo("redis-server-6.2.6-v5-linux-amd64");
    assertThat(RedisBinary.bundledResource(RedisBinary.os("Linux"), RedisBinary.arch("aarch64")))
        .isEqualTo("redis-server-6.2.7-linux-arm64");
    assertThat(RedisBinary.bundledResource(RedisBinary.os("Mac OS X"), RedisBinary.arch("aarch64")))
        .isEqualTo("redis-server-6.2.6-v5-darwin-arm64");
    assertThat(RedisBinary.bundledResource(RedisBinary.os("Mac OS X"), RedisBinary.arch("x86_64")))
        .isEqualTo("redis-server-6.2.6-v5-darwin-amd64");
  }

  @Test
  void noBinaryForAnUnknownPlatformSaysWhatToDo(@TempDir Path dir) {
    Map<String, String> env = Map.of("PATH", dir.toString());

    assertThatThrownBy(() -> RedisBinary.resolve(env, "Linux", "riscv64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no redis-server for linux/riscv64: install one or set SPOOL_REDIS_SERVER");
  }

  private static RespClient connect(SpoolRedis server) throws IOException {
    return RespClient.connect(server.host(), server.port(), Duration.ofSeconds(5));
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    assertThat(file.toFile().setExecutable(true)).isTrue();
    return file;
  }
}
