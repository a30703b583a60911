package dev.spool.internal.redis;

import dev.spool.SpoolConnectionException;
import dev.spool.SpoolException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Redis side of Spool: one multiplexed connection shared by every caller, plus dedicated
 * connections for blocking waits and pub/sub. Turns Lettuce's failures into {@link SpoolException}s
 * with a message that names the server (never its password).
 */
public final class RedisConnection implements AutoCloseable {
  /** Defaults to 10 s: a command not answered by then fails. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final RedisClient client;
  private final String display;
  private final StatefulRedisConnection<String, String> shared;

  private RedisConnection(
      RedisClient client, String display, StatefulRedisConnection<String, String> shared) {
    this.client = client;
    this.display = display;
    this.shared = shared;
  }

  /** Connects, or throws {@link SpoolConnectionException} saying why not. */
  public static RedisConnection open(String uri, Duration commandTimeout) {
    RedisURI redisUri;
    try {
      redisUri = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new SpoolException("invalid Redis URI '" + redact(uri) + "': " + e.getMessage(), e);
    }
    String display = display(redisUri);
    RedisClient client = RedisClient.create(redisUri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // A dead Redis must fail an enqueue at once instead of queueing it in memory.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .keepAlive(true)
                    .build())
            .build());
    try {
      StatefulRedisConnection<String, String> shared = client.connect();
      return new RedisConnection(client, display, shared);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw failure(display, e);
    }
  }

  /** The server, for messages: {@code redis://host:port/db}, without credentials. */
  public String display() {
    return display;
  }

  public RedisAsyncCommands<String, String> async() {
    return shared.async();
  }

  /** A connection of its own for blocking commands (BLPOP), so they never stall others. */
  public StatefulRedisConnection<String, String> openBlocking() {
    try {
      return client.connect();
    } catch (RuntimeException e) {
      throw failure(display, e);
    }
  }

  public StatefulRedisPubSubConnection<String, String> openPubSub() {
    try {
      return client.connectPubSub();
    } catch (RuntimeException e) {
      throw failure(display, e);
    }
  }

  /**
   * Subscribes to a pub/sub channel on a connection of its own; Lettuce resubscribes after a
   * reconnect. Closing the result unsubscribes.
   */
  public AutoCloseable subscribe(String channel, java.util.function.Consumer<String> onMessage) {
    StatefulRedisPubSubConnection<String, String> pubSub = openPubSub();
    pubSub.addListener(
        new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
          @Override
          public void message(String from, String message) {
            onMessage.accept(message);
          }
        });
    pubSub.sync().subscribe(channel);
    return pubSub::close;
  }

  /** Runs a script by SHA, sending its source only if Redis answers NOSCRIPT. */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> eval(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    RedisAsyncCommands<String, String> redis = shared.async();
    CompletableFuture<T> bySha =
        redis.<T>evalsha(script.sha(), output, keys, args).toCompletableFuture();
    return bySha
        .handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              if (unwrap(error) instanceof RedisNoScriptException) {
                return redis.<T>eval(script.source(), output, keys, args).toCompletableFuture();
              }
              return CompletableFuture.<T>failedFuture(unwrap(error));
            })
        .thenCompose(f -> f);
  }

  /** Waits for a Redis future, turning its failure into a {@link SpoolException}. */
  public <T> T await(Future<T> future) {
    try {
      return future.get(DEFAULT_COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while waiting for Redis at " + display, e);
    } catch (ExecutionException e) {
      throw failure(display, e.getCause());
    } catch (TimeoutException e) {
      throw new SpoolConnectionException("no answer from Redis at " + display + " (timed out)", e);
    }
  }

  /** Maps any failure of a Redis call to a {@link SpoolException} naming the server. */
  public SpoolException failure(Throwable error) {
    return failure(display, error);
  }

  private static SpoolException failure(String display, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof SpoolException spool) {
      return spool;
    }
    if (e instanceof RedisConnectionException || e instanceof RedisCommandTimeoutException) {
      return new SpoolConnectionException(
          "cannot reach Redis at " + display + " (" + reason(e) + ")", e);
    }
    if (e instanceof RedisException && isDisconnect(e.getMessage())) {
      return new SpoolConnectionException(
          "cannot reach Redis at " + display + " (" + e.getMessage() + ")", e);
    }
    return new SpoolException("Redis at " + display + " failed: " + e.getMessage(), e);
  }

  private static boolean isDisconnect(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase();
    return m.contains("not connected")
        || m.contains("connection closed")
        || m.contains("connection reset")
        || m.contains("disconnected");
  }

  private static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof RedisCommandTimeoutException) {
        return "timed out";
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String display(RedisURI uri) {
    String scheme = uri.isSsl() ? "rediss" : "redis";
    String host = uri.getHost() == null ? "?" : uri.getHost();
    return scheme
        + "://"
        + host
        + ":"
        + uri.getPort()
        + (uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase());
  }

  /** Hides the password of a URI that could not even be parsed. */
  static String redact(String uri) {
    return uri == null ? null : uri.replaceAll("//[^@/]*@", "//***@");
  }

  @Override
  public void close() {
    shared.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
