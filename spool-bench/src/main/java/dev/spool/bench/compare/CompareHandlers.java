package dev.spool.bench.compare;

import dev.spool.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * The Spool handlers of {@code bench compare}, registered on a {@code spool worker} node by {@code
 * dev.spool.cli.BenchCompareHandlers}. Each does what its BullMQ twin in bench/compare/worker.mjs
 * does, on one Lettuce connection of its own (as an application's job would have), apart from
 * Spool's.
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
    RedisClient client = RedisClient.create(uri);
    StatefulRedisConnection<String, String> connection = client.connect();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  connection.close();
                  client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                },
                "compare-handlers-close"));
    RedisCommands<String, String> redis = connection.sync();
    worker
        .handle(CompareJobs.INCR, (job, a) -> redis.incr(a.key()))
        .handle(CompareJobs.NOOP, (job, a) -> {})
        .handle(
            CompareJobs.LATENCY,
            (job, a) ->
                redis.rpush(a.list(), Long.toString(CompareJobs.monotonicMicros() - a.sentUs())))
        .handle(
            CompareJobs.DELAYED,
            (job, a) ->
                redis.rpush(a.list(), Long.toString(CompareJobs.wallMicros() - a.dueMs() * 1000)));
  }
}
