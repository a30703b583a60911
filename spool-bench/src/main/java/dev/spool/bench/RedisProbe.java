package dev.spool.bench;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness's own connection to Redis, apart from Spool's: reads INFO, deletes a namespace's
 * keys, and measures the Redis ceiling (W7).
 */
public final class RedisProbe implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> sync;

  private RedisProbe(RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.client = client;
    this.connection = connection;
    this.sync = connection.sync();
  }

  public static RedisProbe connect(String uri) {
    RedisClient client = RedisClient.create(RedisURI.create(uri));
    try {
      return new RedisProbe(client, client.connect());
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
  }

  /** Loads must target this machine: the host of the URI has to be a loopback address. */
  public static void requireLoopback(String uri) {
    String host = RedisURI.create(uri).getHost();
    boolean loopback;
    try {
      loopback = host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalArgumentException(
          "benchmarks only target a Redis on 127.0.0.1; got host '" + host + "'");
    }
  }

  /** Plain commands on the harness's connection (for keys the harness itself reads). */
  public RedisCommands<String, String> commands() {
    return sync;
  }

  public Map<String, String> info(String section) {
    Map<String, String> fields = new HashMap<>();
    for (String line : sync.info(section).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  /**
   * Starts timing script calls: logs every command slower than {@code thresholdMicros} in the
   * SLOWLOG, from an empty log. (Commands a script calls are logged too, so logging every command
   * would let them push the script calls out of the log.)
   */
  public void startScriptTiming(long thresholdMicros, int entries) {
    sync.configSet("slowlog-max-len", Integer.toString(entries));
    sync.configSet("slowlog-log-slower-than", Long.toString(thresholdMicros));
    sync.slowlogReset();
  }

  /**
   * The durations (µs, Redis's own measure) of the EVALSHA calls of one script in the SLOWLOG, the
   * slowest first; then empties the log.
   */
  public List<Long> slowScriptCalls(String sha, int entries) {
    List<Long> micros = new ArrayList<>();
    for (Object entry : sync.slowlogGet(entries)) {
      List<?> fields = (List<?>) entry;
      List<?> command = (List<?>) fields.get(3);
      if (command.size() > 1
          && String.valueOf(command.get(0)).equalsIgnoreCase("evalsha")
          && String.valueOf(command.get(1)).equals(sha)) {
        micros.add((Long) fields.get(2));
      }
    }
    sync.slowlogReset();
    micros.sort(java.util.Comparator.reverseOrder());
    return micros;
  }

  /** EVALSHA calls so far and the µs Redis spent in them (INFO commandstats). */
  public long[] evalshaStats() {
    for (String line : sync.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) {
        return new long[] {statField(line, "calls="), statField(line, "usec=")};
      }
    }
    return new long[] {0, 0};
  }

  private static long statField(String line, String name) {
    int from = line.indexOf(name) + name.length();
    int to = line.indexOf(',', from);
    return Long.parseLong(line.substring(from, to < 0 ? line.length() : to));
  }

  public String version() {
    return info("server").getOrDefault("redis_version", "unknown");
  }

  /** Turns RDB snapshots and the append-only file off. */
  public void persistenceOff() {
    sync.configSet("appendonly", "no");
    sync.configSet("save", "");
  }

  /** {@code "off"}, or what is on: {@code "aof"}, {@code "rdb(<save rules>)"}. */
  public String persistence() {
    List<String> on = new ArrayList<>();
    if ("1".equals(info("persistence").get("aof_enabled"))) {
      on.add("aof");
    }
    String save = sync.configGet("save").getOrDefault("save", "");
    if (!save.isBlank()) {
      on.add("rdb(" + save + ")");
    }
    return on.isEmpty() ? "off" : String.join(",", on);
  }

  long usedMemory() {
    return Long.parseLong(info("memory").get("used_memory"));
  }

  /** Waits (bounded) until Redis has freed what UNLINK handed to its background thread. */
  boolean awaitLazyFree(Duration timeout) {
    return Waits.until(
        () -> Long.parseLong(info("memory").getOrDefault("lazyfree_pending_objects", "0")) == 0,
        timeout,
        20);
  }

  /** Counts the keys of a namespace (SCAN, so it does not block Redis). */
  long countKeys(String namespace) {
    long n = 0;
    ScanArgs args = ScanArgs.Builder.matches(namespace + ":*").limit(1000);
    KeyScanCursor<String> cursor = sync.scan(args);
    while (true) {
      n += cursor.getKeys().size();
      if (cursor.isFinished()) {
        return n;
      }
      cursor = sync.scan(ScanCursor.of(cursor.getCursor()), args);
    }
  }

  /** Empties every database of the server: only for a dedicated server the harness started. */
  public void flushAll() {
    sync.flushall();
  }

  /** How many keys matched a pattern, and what {@code MEMORY USAGE} says they take together. */
  record KeysMemory(long keys, long bytes) {}

  /** Sums {@code MEMORY USAGE} over the keys that match a glob pattern (found with SCAN). */
  KeysMemory memoryUsage(String pattern) {
    long keys = 0;
    long bytes = 0;
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
    KeyScanCursor<String> cursor = sync.scan(args);
    while (true) {
      for (String key : cursor.getKeys()) {
        Long usage = sync.memoryUsage(key);
        if (usage != null) {
          keys++;
          bytes += usage;
        }
      }
      if (cursor.isFinished()) {
        return new KeysMemory(keys, bytes);
      }
      cursor = sync.scan(ScanCursor.of(cursor.getCursor()), args);
    }
  }

  /** Deletes every key of a namespace with SCAN + UNLINK; returns how many. */
  public long deleteNamespace(String namespace) {
    long n = 0;
    ScanArgs args = ScanArgs.Builder.matches(namespace + ":*").limit(1000);
    KeyScanCursor<String> cursor = sync.scan(args);
    while (true) {
      List<String> keys = cursor.getKeys();
      if (!keys.isEmpty()) {
        n += sync.unlink(keys.toArray(String[]::new));
      }
      if (cursor.isFinished()) {
        return n;
      }
      cursor = sync.scan(ScanCursor.of(cursor.getCursor()), args);
    }
  }

  /** What {@link #ceiling} measured. */
  public record Ceiling(double pipelinedOpsPerSec, double roundTripOpsPerSec, boolean verified) {}

  /**
   * The Redis ceiling for a primitive command: {@code ops} INCRs pipelined in batches of {@code
   * batch} (flushed together, then awaited) on a connection of their own, and {@code roundTripOps}
   * INCRs one round trip at a time. The counters are checked afterwards.
   */
  public Ceiling ceiling(String keyPrefix, int ops, int batch, int roundTripOps, Duration timeout) {
    String pipelinedKey = keyPrefix + "pipelined";
    String roundTripKey = keyPrefix + "roundtrip";
    StatefulRedisConnection<String, String> pipe = client.connect();
    try {
      pipe.setAutoFlushCommands(false);
      RedisAsyncCommands<String, String> async = pipe.async();
      pipelined(pipe, async, keyPrefix + "warmup", Math.min(ops, 20_000), batch, timeout);
      long t0 = System.nanoTime();
      boolean inTime = pipelined(pipe, async, pipelinedKey, ops, batch, timeout);
      double pipelinedSeconds = (System.nanoTime() - t0) / 1e9;

      for (int i = 0; i < Math.min(roundTripOps, 2_000); i++) {
        sync.incr(keyPrefix + "warmup");
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < roundTripOps; i++) {
        sync.incr(roundTripKey);
      }
      double roundTripSeconds = (System.nanoTime() - t1) / 1e9;

      boolean verified =
          inTime
              && Long.toString(ops).equals(sync.get(pipelinedKey))
              && Long.toString(roundTripOps).equals(sync.get(roundTripKey));
      return new Ceiling(ops / pipelinedSeconds, roundTripOps / roundTripSeconds, verified);
    } finally {
      pipe.close();
    }
  }

  private static boolean pipelined(
      StatefulRedisConnection<String, String> pipe,
      RedisAsyncCommands<String, String> async,
      String key,
      int ops,
      int batch,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<RedisFuture<Long>> futures = new ArrayList<>(batch);
    for (int done = 0; done < ops; ) {
      int n = Math.min(batch, ops - done);
      futures.clear();
      for (int i = 0; i < n; i++) {
        futures.add(async.incr(key));
      }
      pipe.flushCommands();
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      if (!LettuceFutures.awaitAll(left, futures.toArray(RedisFuture[]::new))) {
        return false;
      }
      done += n;
    }
    return true;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
