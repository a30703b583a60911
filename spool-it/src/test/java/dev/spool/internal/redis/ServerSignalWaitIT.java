package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wait of a node whose Redis is reached through Lettuce (TLS, Sentinel): woken by a wake-up
 * element, and ended from outside also after its connection was dropped and made again, when the
 * connection's client id has changed.
 */
class ServerSignalWaitIT {
  // Far longer than any test waits: a wait that returns did so because of what the test did.
  static final long BLOCK_SECONDS = 120;

  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();
  final String ns = SpoolRedis.namespace();
  RedisConnection spool;
  RedisClient client;
  StatefulRedisConnection<String, String> connection;
  RedisCommands<String, String> raw;

  @BeforeEach
  void connect() {
    spool = RedisConnection.open(redis.uri() + "?clientName=" + ns, Duration.ofSeconds(5));
    client = RedisClient.create(redis.uri());
    connection = client.connect();
    raw = connection.sync();
  }

  @AfterEach
  void closeAll() {
    connection.close();
    client.shutdown();
    spool.close();
  }

  ServerSignalWait open() {
    return new ServerSignalWait(spool, List.of(ns + ":{work}:signal"), BLOCK_SECONDS);
  }

  /** The ids of this test's connections blocked in a BLPOP. */
  List<String> blockedIds() {
    return Arrays.stream(raw.clientList().split("\n"))
        .filter(line -> line.contains(" name=" + ns + " ") && line.contains(" cmd=blpop "))
        .map(line -> line.substring(3, line.indexOf(' ')))
        .toList();
  }

  /** Starts a wait on a thread of its own; returns once it is blocked in Redis. */
  CompletableFuture<Void> waiting(ServerSignalWait wait) {
    CompletableFuture<Void> done =
        CompletableFuture.runAsync(wait::await, Thread::startVirtualThread);
    await().atMost(Duration.ofSeconds(10)).until(() -> blockedIds().size() == 1);
    return done;
  }

  @Test
  void aWakeUpElementEndsTheWaitAndIsTaken() throws Exception {
    try (ServerSignalWait wait = open()) {
      CompletableFuture<Void> done = waiting(wait);
      raw.lpush(ns + ":{work}:signal", "1");
      done.get(10, TimeUnit.SECONDS);
      assertThat(raw.exists(ns + ":{work}:signal")).isZero();
    }
  }

  @Test
  void unblockEndsAWaitOnTheConnectionLettuceMadeAgainAfterItsOwnWasDropped() throws Exception {
    try (ServerSignalWait wait = open()) {
      CompletableFuture<Void> dropped = waiting(wait);
      String first = blockedIds().getFirst();
      raw.clientKill(KillArgs.Builder.id(Long.parseLong(first)));
      // The wait in flight fails, and the fetcher waits again (refused while Lettuce reconnects,
      // then on the new connection); or Lettuce sends the BLPOP again and it goes on. Either
      // way the wait ends up on a connection with another id.
      AtomicReference<CompletableFuture<Void>> current = new AtomicReference<>(dropped);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                if (current.get().isCompletedExceptionally()) {
                  current.set(CompletableFuture.runAsync(wait::await, Thread::startVirtualThread));
                }
                return blockedIds().size() == 1;
              });
      CompletableFuture<Void> done = current.get();
      assertThat(blockedIds()).hasSize(1).doesNotContain(first);

      wait.unblock();
      await().atMost(Duration.ofSeconds(10)).until(done::isDone);
      assertThat(done).isNotCompletedExceptionally();
      assertThat(blockedIds()).isEmpty();

      // The next wait opens a connection of its own again, and a wake-up still reaches it.
      CompletableFuture<Void> next = waiting(wait);
      raw.lpush(ns + ":{work}:signal", "1");
      next.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWaitLongerThanTheCommandTimeoutIsNotCutShort() throws Exception {
    // Cut short at the command timeout, the BLPOP would stay blocked in Redis, and an element
    // it popped later would be answered to no one: lost.
    try (RedisConnection quick =
            RedisConnection.open(redis.uri() + "?clientName=" + ns, Duration.ofMillis(300));
        ServerSignalWait wait = new ServerSignalWait(quick, List.of(ns + ":{work}:signal"), 120)) {
      CompletableFuture<Void> done = waiting(wait);
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(2))
          .until(() -> !done.isDone());
      raw.lpush(ns + ":{work}:signal", "1");
      done.get(10, TimeUnit.SECONDS);
      assertThat(raw.exists(ns + ":{work}:signal")).isZero();
    }
  }

  @Test
  void closeEndsAWaitAndAnyLaterOne() throws Exception {
    ServerSignalWait wait = open();
    CompletableFuture<Void> done = waiting(wait);
    wait.close();
    await().atMost(Duration.ofSeconds(10)).until(done::isDone);
    assertThat(done).isNotCompletedExceptionally();
    wait.await(); // returns at once: closed
    assertThat(blockedIds()).isEmpty();
  }
}
