package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An outcome future whose pub/sub message is lost (the subscription was down when the job ended)
 * still completes: from the stored status, after the reconnect and periodically.
 */
class OutcomeRecheckIT {
  SpoolRedis redis;
  final String namespace = SpoolRedis.namespace();
  Spool workers;
  Spool client;
  RedisClient rawClient;
  RedisCommands<String, String> raw;
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    rawClient = RedisClient.create(redis.uri());
    StatefulRedisConnection<String, String> connection = rawClient.connect();
    raw = connection.sync();
    workers = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    workers
        .worker("node-1")
        .lease(Duration.ofSeconds(30))
        .handle(NOOP, (job, a) -> release.await())
        .start();
  }

  @AfterEach
  void tearDown() {
    raw.configSet("maxclients", "10000");
    release.countDown();
    if (client != null) {
      client.close();
    }
    workers.close();
    rawClient.shutdown();
    redis.close();
  }

  Set<String> pubSubClientIds() {
    Set<String> ids = new HashSet<>();
    for (String line : raw.clientList().split("\n")) {
      if (line.contains(" sub=1 ") || line.contains(" psub=1 ")) {
        Arrays.stream(line.split(" "))
            .filter(field -> field.startsWith("id="))
            .forEach(field -> ids.add(field.substring(3)));
      }
    }
    return ids;
  }

  /**
   * Starts awaiting the outcome of a running job, then cuts the client's outcome subscription and
   * keeps it from reconnecting (maxclients reached) while the job ends: its message is lost.
   */
  CompletableFuture<JobOutcome> outcomeWhoseMessageIsLost(Duration recheckInterval) {
    client =
        Spool.builder()
            .redis(redis.uri())
            .namespace(namespace)
            .outcomeRecheckInterval(recheckInterval)
            .build();
    JobId id = client.enqueue(NOOP, new Noop(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.statuses().findOrUnknown(id).state() == State.STARTED);
    Set<String> before = pubSubClientIds();
    CompletableFuture<JobOutcome> outcome = client.outcome(id);
    Set<String> subscription = pubSubClientIds();
    subscription.removeAll(before);
    assertThat(subscription).hasSize(1);

    // One fewer than now: once the subscription is cut, no new connection gets in.
    raw.configSet("maxclients", String.valueOf(raw.clientList().split("\n").length - 1));
    raw.clientKill(KillArgs.Builder.id(Long.parseLong(subscription.iterator().next())));
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.statuses().findOrUnknown(id).state() == State.SUCCEEDED);
    return outcome;
  }

  @Test
  void anOutcomeWhoseMessageWasLostCompletesAfterTheSubscriptionReconnects() throws Exception {
    CompletableFuture<JobOutcome> outcome = outcomeWhoseMessageIsLost(Duration.ofHours(1));

    raw.configSet("maxclients", "10000");

    JobOutcome ended = outcome.get(10, TimeUnit.SECONDS);
    assertThat(ended.state()).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void anOutcomeWhoseMessageWasLostCompletesFromThePeriodicRecheck() throws Exception {
    CompletableFuture<JobOutcome> outcome = outcomeWhoseMessageIsLost(Duration.ofMillis(300));

    // The subscription is still down: only the periodic look-up can tell.
    JobOutcome ended = outcome.get(10, TimeUnit.SECONDS);
    assertThat(ended.state()).isEqualTo(State.SUCCEEDED);
  }
}
