package dev.spool.bench.compare;

import dev.spool.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The Spool handlers of {@code bench compare}, registered on a {@code spool worker} node by {@code
 * dev.spool.cli.BenchCompareHandlers}. Each does what its BullMQ twin in bench/compare/worker.mjs
 * does, on one Lettuce connection of its own (as an application's job would have), apart from
 * Spool's.
 *
 * <p>That connection opens in the background, as worker.mjs's ioredis connection does: the node
 * starts meanwhile, and a handler that needs it first waits for it. Opened before the node starts,
 * its set-up (a Lettuce client, and the proxy behind {@code sync()}: ~0.1 s of a fresh JVM) would
 * count in Spool's start-up but not in BullMQ's.
 */
public final class CompareHandlers {
  /** The environment variable that names the Redis of the handlers' own connection. */
  public static final String REDIS_ENV = "SPOOL_COMPARE_REDIS";

  private CompareHandlers() {}

  public static void register(Worker.Builder worker) {
    String uri = System.getenv(REDIS_ENV);
    if (uri == null || uri.isBlank()) {
      throw new IllegalStateException(
          REDIS_ENV + " is not set: these handlers are for bin/spool bench compare only");
    }
    CompletableFuture<Redis> redis = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("compare-handlers-connect")
        .daemon()
        .start(
            () -> {
              try {
                redis.complete(Redis.connect(uri));
              } catch (Throwable e) { // never left pending: every handler would wait on it
                System.err.println("compare handlers: cannot connect to " + uri + ": " + e);
                redis.completeExceptionally(e);
              }
            });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> redis.thenAccept(Redis::close), "compare-handlers-close"));
    Supplier<RedisCommands<String, String>> commands = () -> redis.join().commands();
    worker
        .handle(CompareJobs.INCR, (job, a) -> commands.get().incr(a.key()))
        .handle(CompareJobs.NOOP, (job, a) -> {})
        .handle(
            CompareJobs.LATENCY,
            (job, a) ->
                commands
                    .get()
                    .rpush(a.list(), Long.toString(CompareJobs.monotonicMicros() - a.sentUs())))
        .handle(
            CompareJobs.DELAYED,
            (job, a) ->
                commands
                    .get()
                    .rpush(a.list(), Long.toString(CompareJobs.wallMicros() - a.dueMs() * 1000)));
  }

  /** The handlers' own client and connection. */
  private record Redis(
      RedisClient client,
      StatefulRedisConnection<String, String> connection,
      RedisCommands<String, String> commands) {
    static Redis connect(String uri) {
      RedisClient client = RedisClient.create(uri);
      StatefulRedisConnection<String, String> connection = client.connect();
      return new Redis(client, connection, connection.sync());
    }

    void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }
}
