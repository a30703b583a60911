package dev.spool.internal.redis;

import dev.spool.JobType;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the tests of Spool's own blocking sockets share: the suite's Redis, a namespace per test, a
 * timer for the sockets' deadlines, the test's pool of sockets ({@link #scripts}, closed after each
 * test before the timer stops), a plain Lettuce connection to look at what Redis holds, and a job
 * type.
 */
abstract class OwnSocketsTestBase {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  record Item(int n) {}

  static final JobType<Item> ITEM = JobType.of("item", Item.class).withQueue("work");

  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();
  final String ns = SpoolRedis.namespace();
  final HashedWheelTimer timer = new HashedWheelTimer();
  RedisClient client;
  StatefulRedisConnection<String, String> connection;
  RedisCommands<String, String> raw;

  /** The sockets a test made, if it made a pool. */
  CallerThreadScripts scripts;

  @BeforeEach
  void connectRaw() {
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    raw = connection.sync();
  }

  @AfterEach
  void closeAll() {
    if (scripts != null) {
      scripts.close();
    }
    connection.close();
    client.shutdown();
    timer.stop();
  }

  /** The keys of the counts script for {@code queue} of the test's namespace. */
  String[] countsKeys(String queue) {
    String q = ns + ":{" + queue + "}:";
    return new String[] {
      q + "ready",
      q + "prio",
      q + "delayed",
      q + "active",
      q + "completed",
      q + "dead",
      q + "pinned",
      q + "avoid"
    };
  }
}
