package dev.spool.internal.redis;

import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.json.JsonParser;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A Lettuce client for one server whose connections build their synchronous API when it is first
 * asked for, not as they open. Lettuce builds it for every connection: a reflective proxy over the
 * whole command interface, whose method map took ~0.1 s of a fresh JVM for the first connection of
 * each kind (docs/benchmarks.md), on the way to a worker node's first job. Spool calls Redis
 * through the async API; only the {@code BLPOP} of a node that waits on a Lettuce connection (TLS,
 * Sentinel, {@code waitForReplicas}, or where its own socket could not be opened) uses {@code
 * sync()}, from its first wait on, after the node has started.
 *
 * <p>Lettuce 6.8 reads the {@code sync} field it leaves null here only in the two {@code sync()}
 * methods overridden below; check that again when upgrading Lettuce.
 */
final class LazySyncRedisClient extends RedisClient {
  LazySyncRedisClient(ClientResources resources, RedisURI uri) {
    super(resources, uri);
  }

  @Override
  protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(
      RedisChannelWriter writer,
      PushHandler pushHandler,
      RedisCodec<K, V> codec,
      Duration timeout) {
    return new Connection<>(writer, pushHandler, codec, timeout, getOptions().getJsonParser());
  }

  @Override
  protected <K, V> StatefulRedisPubSubConnectionImpl<K, V> newStatefulRedisPubSubConnection(
      PubSubEndpoint<K, V> endpoint,
      RedisChannelWriter writer,
      RedisCodec<K, V> codec,
      Duration timeout) {
    return new PubSubConnection<>(endpoint, writer, codec, timeout);
  }

  /**
   * A connection's sync API, built on first use. Two threads asking at once may each build and use
   * a proxy of their own: they hold no state.
   */
  private static final class OnFirstUse<T> {
    private volatile T built;

    T get(Supplier<T> build) {
      T value = built;
      if (value == null) {
        value = build.get();
        built = value;
      }
      return value;
    }
  }

  private static final class Connection<K, V> extends StatefulRedisConnectionImpl<K, V> {
    private final OnFirstUse<RedisCommands<K, V>> lazySync = new OnFirstUse<>();

    Connection(
        RedisChannelWriter writer,
        PushHandler pushHandler,
        RedisCodec<K, V> codec,
        Duration timeout,
        Supplier<JsonParser> json) {
      super(writer, pushHandler, codec, timeout, json);
    }

    @Override
    protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
      return null; // built by sync(), when first needed
    }

    @Override
    public RedisCommands<K, V> sync() {
      return lazySync.get(super::newRedisSyncCommandsImpl);
    }
  }

  private static final class PubSubConnection<K, V>
      extends StatefulRedisPubSubConnectionImpl<K, V> {
    private final OnFirstUse<RedisPubSubCommands<K, V>> lazySync = new OnFirstUse<>();

    PubSubConnection(
        PubSubEndpoint<K, V> endpoint,
        RedisChannelWriter writer,
        RedisCodec<K, V> codec,
        Duration timeout) {
      super(endpoint, writer, codec, timeout);
    }

    @Override
    protected RedisPubSubCommands<K, V> newRedisSyncCommandsImpl() {
      return null;
    }

    @Override
    public RedisPubSubCommands<K, V> sync() {
      return lazySync.get(super::newRedisSyncCommandsImpl);
    }
  }
}
