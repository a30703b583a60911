package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections of Spool's Lettuce client open without building their synchronous API, and build it
 * when first asked for: it works as Lettuce's own, for plain and pub/sub connections.
 */
class LazySyncRedisClientIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();
  final String ns = SpoolRedis.namespace();
  ClientResources resources;
  LazySyncRedisClient client;

  @BeforeEach
  void open() {
    resources = ClientResources.create();
    client = new LazySyncRedisClient(resources, RedisURI.create(redis.uri()));
  }

  @AfterEach
  void close() {
    client.shutdown();
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** The synchronous API Lettuce's constructor stored: null while none was built. */
  static Object builtSync(Object connection) throws ReflectiveOperationException {
    return field(StatefulRedisConnectionImpl.class, "sync", connection);
  }

  /** A private field's value, read by reflection. */
  static Object field(Class<?> declaring, String name, Object of)
      throws ReflectiveOperationException {
    Field field = declaring.getDeclaredField(name);
    field.setAccessible(true);
    return field.get(of);
  }

  @Test
  void aConnectionOpensWithoutItsSyncApiAndBuildsItOnFirstUse() throws Exception {
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(builtSync(connection)).isNull();
      assertThat(connection.async().incr(ns + ":n").get(5, TimeUnit.SECONDS)).isEqualTo(1L);

      assertThat(connection.sync().incr(ns + ":n")).isEqualTo(2L);
      assertThat(connection.sync()).isSameAs(connection.sync());
    }
  }

  @Test
  void spoolsConnectionsToOneServerOpenWithoutTheSyncApi() throws Exception {
    try (RedisConnection spool = RedisConnection.open(redis.uri(), Duration.ofSeconds(5))) {
      StatefulRedisConnection<String, String> shared =
          (StatefulRedisConnection<String, String>) spool.connect();
      StatefulRedisPubSubConnection<String, String> pubSub = spool.openPubSub();
      try {
        assertThat(builtSync(shared)).isNull();
        assertThat(builtSync(pubSub)).isNull();
      } finally {
        pubSub.close();
        shared.close();
      }
      // A wait on a Lettuce connection opens without it too (it is built at its first BLPOP).
      ServerSignalWait wait = new ServerSignalWait(spool, List.of(ns + ":signal"), 1);
      try {
        assertThat(builtSync(field(ServerSignalWait.class, "blocking", wait))).isNull();
      } finally {
        wait.close();
      }
    }
  }

  @Test
  void aPubSubConnectionSubscribesThroughItsSyncApiBuiltOnFirstUse() throws Exception {
    try (StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub();
        StatefulRedisConnection<String, String> publisher = client.connect()) {
      assertThat(builtSync(pubSub)).isNull();
      CompletableFuture<String> received = new CompletableFuture<>();
      pubSub.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              received.complete(message);
            }
          });

      pubSub.sync().subscribe(ns + ":channel");
      publisher.async().publish(ns + ":channel", "hello").get(5, TimeUnit.SECONDS);

      assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
      assertThat(pubSub.sync()).isSameAs(pubSub.sync());
    }
  }
}
