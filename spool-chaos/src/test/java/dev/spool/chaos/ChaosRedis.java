package dev.spool.chaos;

import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A redis-server of the experiment's own (the testkit's dedicated one: own port, own dir, AOF),
 * with the faults the experiments inflict on it: a crash ({@code kill -9}) and restart, a freeze
 * ({@code SIGSTOP}/{@code SIGCONT}), a full memory. Writes are fsynced to the AOF before Redis
 * answers ({@code appendfsync always}), so a crash loses nothing Redis acknowledged.
 */
final class ChaosRedis implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final SpoolRedis redis;
  private final RedisClient client;
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile long pid;
  private volatile boolean paused;

  private ChaosRedis(SpoolRedis redis) {
    this.redis = redis;
    RedisURI uri = RedisURI.create(redis.uri());
    uri.setTimeout(TIMEOUT);
    this.client = RedisClient.create(uri);
    this.connection = client.connect();
  }

  static ChaosRedis start() {
    SpoolRedis redis = SpoolRedis.dedicated();
    try {
      ChaosRedis chaos = new ChaosRedis(redis);
      chaos.started();
      return chaos;
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  String uri() {
    return redis.uri();
  }

  String version() {
    return redis.version();
  }

  /** Plain commands, for looking at (or corrupting) what Spool wrote. */
  RedisCommands<String, String> commands() {
    return connection.sync();
  }

  /** The server's process id (it changes with a restart). */
  long pid() {
    return pid;
  }

  private long askPid() {
    String info = commands().info("server");
    for (String line : info.split("\r\n")) {
      if (line.startsWith("process_id:")) {
        return Long.parseLong(line.substring("process_id:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO server has no process_id: " + info);
  }

  /** {@code kill -9} of the server; returns once the process is gone. */
  void crash() {
    ProcessHandle process =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException("no redis-server process " + pid));
    process.destroyForcibly();
    try {
      process.onExit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing redis-server " + pid, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("redis-server " + pid + " survived kill -9", e);
    }
  }

  /** Starts the server again after {@link #crash()}: same port, same dir, its AOF loaded. */
  void restart() {
    redis.start();
    // A fresh connection: the old one waits out Lettuce's reconnect backoff.
    connection.close();
    connection = client.connect();
    started();
  }

  /** {@code SIGSTOP}: the server freezes; connections stay open, commands wait. */
  void pause() {
    signal("STOP");
    paused = true;
  }

  /** {@code SIGCONT} after {@link #pause()}. */
  void resume() {
    signal("CONT");
    paused = false;
  }

  /**
   * Fills the memory as a real Redis fills up: {@code noeviction}, a {@code maxmemory} a little
   * above what is used now, and ballast keys (outside any Spool namespace) until writes are
   * refused. Then lowers the limit a little more, so that a few freed bytes (a client buffer) do
   * not let writes through again.
   */
  void fillMemory() {
    RedisCommands<String, String> redis = commands();
    redis.configSet("maxmemory-policy", "noeviction");
    long used = usedMemory();
    redis.configSet("maxmemory", Long.toString(used + 4 * 1024 * 1024));
    String ballast = "x".repeat(64 * 1024);
    for (int i = 0; i < 10_000; i++) {
      try {
        redis.set("chaos-ballast:" + i, ballast);
      } catch (io.lettuce.core.RedisCommandExecutionException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("OOM")) {
          redis.configSet("maxmemory", Long.toString(usedMemory() - 512 * 1024));
          return;
        }
        throw e;
      }
    }
    throw new IllegalStateException("10 000 ballast keys did not fill redis-server: " + uri());
  }

  /** Undoes {@link #fillMemory()}: no limit, no ballast. */
  void freeMemory() {
    RedisCommands<String, String> redis = commands();
    redis.configSet("maxmemory", "0");
    java.util.List<String> keys = redis.keys("chaos-ballast:*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(String[]::new));
    }
  }

  long usedMemory() {
    for (String line : commands().info("memory").split("\r\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory");
  }

  private void started() {
    commands().configSet("appendfsync", "always");
    pid = askPid();
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid).start();
      if (!kill.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill -" + name + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name, e);
    }
  }

  @Override
  public void close() {
    try {
      if (paused) {
        resume();
      }
    } finally {
      try {
        connection.close();
        client.shutdown();
      } finally {
        redis.close();
      }
    }
  }
}
