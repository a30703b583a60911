package dev.spool.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.testkit.SpoolRedis;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * What the runs of a command share: the Redis (given, or a dedicated one started here), the
 * harness's own connection to it, the options, and where lines go.
 */
final class BenchEnv implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final CommonOptions options;
  final PrintWriter out;
  final PrintWriter err;
  final String uri;
  final boolean dedicated;
  final String redisVersion;
  final RedisProbe probe;
  private final SpoolRedis server;

  private BenchEnv(
      CommonOptions options,
      PrintWriter out,
      PrintWriter err,
      String uri,
      SpoolRedis server,
      RedisProbe probe) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.uri = uri;
    this.server = server;
    this.dedicated = server != null;
    this.probe = probe;
    this.redisVersion = probe.version();
  }

  /** Connects to {@code --redis}, or starts a dedicated redis-server when none is given. */
  static BenchEnv open(CommonOptions options, PrintWriter out, PrintWriter err) {
    if (options.runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, got " + options.runs);
    }
    if (options.timeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "--timeout must be at least 1 s, got " + options.timeoutSeconds);
    }
    SpoolRedis server = null;
    String uri = options.redis;
    if (uri == null) {
      server = startDedicated();
      uri = server.uri();
      err.println("started a dedicated redis-server at " + uri + ", persistence off");
      err.flush();
    }
    try {
      RedisProbe.requireLoopback(uri);
      return new BenchEnv(options, out, err, uri, server, RedisProbe.connect(uri));
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      throw e;
    }
  }

  /**
   * Starts a dedicated redis-server and turns its persistence off (the testkit's dedicated servers
   * write an append-only file; the benchmarks assume no persistence).
   */
  static SpoolRedis startDedicated() {
    SpoolRedis server = SpoolRedis.dedicated();
    try (RedisProbe probe = RedisProbe.connect(server.uri())) {
      probe.persistenceOff();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  Duration timeout() {
    return Duration.ofSeconds(options.timeoutSeconds);
  }

  /** The Redis part of every line. */
  ObjectNode redisNode() {
    ObjectNode redis = JSON.createObjectNode();
    redis.put("version", redisVersion);
    redis.put("uri", uri.replaceAll("//[^@/]*@", "//***@"));
    redis.put("dedicated", dedicated);
    redis.put("persistence", probe.persistence());
    return redis;
  }

  /** The JVM part of every line. */
  static ObjectNode jvmNode() {
    ObjectNode jvm = JSON.createObjectNode();
    jvm.put("java", Runtime.version().toString());
    jvm.put("cpus", Runtime.getRuntime().availableProcessors());
    jvm.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    return jvm;
  }

  void progress(String message) {
    err.println(message);
    err.flush();
  }

  void line(ObjectNode node) {
    try {
      out.println(JSON.writeValueAsString(node));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  @Override
  public void close() {
    try {
      probe.close();
    } finally {
      if (server != null) {
        server.close();
        progress("stopped the dedicated redis-server");
      }
    }
  }
}
