package dev.spool.bench.compare;

import dev.spool.bench.RedisProbe;
import dev.spool.testkit.SpoolRedis;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one redis-server of a comparison, started for it on a random loopback port with persistence
 * off ({@code --save "" --appendonly no}) and stopped at its end. Which binary, in this order:
 * {@code --redis-server}, {@code $SPOOL_REDIS_SERVER}, {@code redis-server} on the PATH, the Debian
 * one bench/compare/fetch-redis.sh unpacks, else the embedded one the tests use.
 */
public final class PrivateRedis implements AutoCloseable {
  private static final int START_ATTEMPTS = 5;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

  final String uri;

  /** Where the binary came from, as the output says it. */
  final String source;

  private final ChildProcess process; // null for the embedded server
  private final SpoolRedis embedded; // null unless embedded

  private PrivateRedis(String uri, String source, ChildProcess process, SpoolRedis embedded) {
    this.uri = uri;
    this.source = source;
    this.process = process;
    this.embedded = embedded;
  }

  public String uri() {
    return uri;
  }

  public String source() {
    return source;
  }

  /** The pid of the server, or -1 when it is the embedded one (its process is not ours to see). */
  long pid() {
    return process == null ? -1 : process.pid;
  }

  public static PrivateRedis start(Path explicit, Path root, Path logDir) {
    Optional<Binary> binary = resolve(explicit, System.getenv(), root);
    if (binary.isEmpty()) {
      SpoolRedis server = SpoolRedis.dedicated();
      try (RedisProbe probe = RedisProbe.connect(server.uri())) {
        // the testkit's dedicated server writes an append-only file: turn it off at once
        probe.persistenceOff();
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return new PrivateRedis(
          server.uri(),
          "the testkit's embedded one (no other found; bench/compare/fetch-redis.sh unpacks"
              + " Debian's Redis 7)",
          null,
          server);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("spool-compare-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int port = freePort();
      ChildProcess p =
          ChildProcess.start(
              "redis-server-" + attempt,
              List.of(
                  binary.get().path().toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString(),
                  "--daemonize",
                  "no"),
              Map.of(),
              dir,
              logDir);
      String uri = "redis://127.0.0.1:" + port;
      if (awaitPing(uri, p)) {
        return new PrivateRedis(uri, binary.get().source(), p, null);
      }
      p.stop(Duration.ofSeconds(2));
      last =
          new IllegalStateException(
              "redis-server did not answer on port " + port + ": " + p.stderrTail(5));
    }
    throw last;
  }

  record Binary(Path path, String source) {}

  /** Which redis-server to run; empty: the embedded one. */
  static Optional<Binary> resolve(Path explicit, Map<String, String> env, Path root) {
    if (explicit != null) {
      return Optional.of(
          new Binary(requireExecutable(explicit, "--redis-server"), "--redis-server " + explicit));
    }
    String override = env.get("SPOOL_REDIS_SERVER");
    if (override != null && !override.isBlank()) {
      Path p = requireExecutable(Path.of(override), "SPOOL_REDIS_SERVER");
      return Optional.of(new Binary(p, "$SPOOL_REDIS_SERVER " + p));
    }
    String path = env.getOrDefault("PATH", "");
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        Path candidate = Path.of(entry, "redis-server");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(new Binary(candidate, "the PATH: " + candidate));
        }
      }
    }
    Path fetched = root.resolve("bench/compare/.redis/redis-server");
    if (Files.isRegularFile(fetched) && Files.isExecutable(fetched)) {
      return Optional.of(new Binary(fetched, "Debian's, unpacked by bench/compare/fetch-redis.sh"));
    }
    return Optional.empty();
  }

  private static Path requireExecutable(Path p, String what) {
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new IllegalArgumentException(what + " names no executable file: " + p);
    }
    return p;
  }

  private static boolean awaitPing(String uri, ChildProcess p) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (p.isAlive() && System.nanoTime() - deadline < 0) {
      try (RedisProbe probe = RedisProbe.connect(uri)) {
        return "PONG".equals(probe.commands().ping());
      } catch (RuntimeException e) {
        Pause.millis(50); // not listening yet
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on the loopback interface", e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
