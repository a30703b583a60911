package dev.spool.bench.compare;

import dev.spool.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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

  /**
   * Set (to anything) by {@code --consolidate-handler-flushes}: the handlers' connection writes the
   * commands queued meanwhile in one system call, as docs/operations.md shows applications.
   */
  public static final String CONSOLIDATE_FLUSHES_ENV = "SPOOL_COMPARE_CONSOLIDATE_FLUSHES";

  private CompareHandlers() {}

  public static void register(Worker.Builder worker) {
    Runnable close = register(worker, System::getenv);
    Runtime.getRuntime().addShutdownHook(new Thread(close, "compare-handlers-close"));
  }

  /**
   * As {@link #register(Worker.Builder)}, reading the variables from {@code env}; returns what
   * closes the handlers' connection (once it is open).
   */
  static Runnable register(Worker.Builder worker, UnaryOperator<String> env) {
    String uri = env.apply(REDIS_ENV);
    if (uri == null || uri.isBlank()) {
      throw new IllegalStateException(
          REDIS_ENV + " is not set: these handlers are for bin/spool bench compare only");
    }
    boolean consolidateFlushes = env.apply(CONSOLIDATE_FLUSHES_ENV) != null;
    CompletableFuture<Redis> redis = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("compare-handlers-connect")
        .daemon()
        .start(
            () -> {
              try {
                redis.complete(Redis.connect(uri, consolidateFlushes));
              } catch (Throwable e) { // never left pending: every handler would wait on it
                System.err.println("compare handlers: cannot connect to " + uri + ": " + e);
                redis.completeExceptionally(e);
              }
            });
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
    return () -> redis.thenAccept(Redis::close);
  }

  /** The handlers' own client and connection. */
  private record Redis(
      ClientResources resources,
      RedisClient client,
      StatefulRedisConnection<String, String> connection,
      RedisCommands<String, String> commands) {
    static Redis connect(String uri, boolean consolidateFlushes) {
      ClientResources.Builder resources = ClientResources.builder();
      if (consolidateFlushes) {
        resources.nettyCustomizer(new FlushConsolidation());
      }
      ClientResources built = resources.build();
      RedisClient client = RedisClient.create(built, uri);
      StatefulRedisConnection<String, String> connection = client.connect();
      return new Redis(built, client, connection, connection.sync());
    }

    void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      resources.shutdown(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * Writes the commands that queued on the event loop meanwhile in one system call, and at the
   * latest after 256 of them: each handler's command is otherwise a write of its own.
   */
  private static final class FlushConsolidation implements NettyCustomizer {
    @Override
    public void afterChannelInitialized(Channel channel) {
      channel.pipeline().addFirst(new FlushConsolidationHandler(256, true));
    }
  }
}
