package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.RedisSentinelSet;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spool through a real Sentinel set (master and replica asking for a password): everything it does
 * works on the master the sentinels name, enqueues can wait for the replica, and a wrong sentinel
 * URI fails with a message that says why without showing the password.
 */
class SentinelIT {
  static final String PASSWORD = "s3cret/pw#1";

  @RegisterExtension static RedisSentinelSet sentinels = RedisSentinelSet.create(PASSWORD);

  Fixtures f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void workersRunJobsAndOutcomesStatusesAndKillsArriveThroughTheSentinels() throws Exception {
    f = new Fixtures(sentinels.uri());
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    f.worker("node-1")
        .concurrency(4)
        .handle(
            NOOP,
            (job, a) -> {
              if (a.n() < 0) {
                Fixtures.untilInterrupted(); // until killed
              }
              ran.add(a.n());
            })
        .start();

    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    f.spool.enqueueAll(NOOP, Fixtures.noops(50));
    await().atMost(Duration.ofSeconds(20)).until(() -> ran.size() == 50);
    assertThat(f.spool.statuses().find(id).orElseThrow().state()).isEqualTo(State.SUCCEEDED);

    JobId stuck = f.spool.enqueue(NOOP, new Noop(-1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(stuck).orElseThrow().state() == State.STARTED);
    f.spool.statuses().find(stuck).orElseThrow().requestKill();
    assertThat(f.spool.outcome(stuck).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.KILLED);
  }

  @Test
  void enqueuesThatWaitForTheReplicaAreOnItWhenTheyReturn() {
    f = new Fixtures(sentinels.uri());
    // In production, e.g. "redis-sentinel://:s3cret@s1:26379,s2:26379,s3:26379/0#mymaster".
    String sentinelUri = sentinels.uri();

    // snippet: sentinel
    Spool replicated =
        Spool.builder()
            .redis(sentinelUri)
            .namespace(f.namespace)
            .waitForReplicas(1, Duration.ofSeconds(2))
            .build();
    // end snippet
    try (replicated) {
      JobId one = replicated.enqueue(NOOP, new Noop(1));
      List<JobId> many = replicated.enqueueAll(NOOP, Fixtures.noops(1200)); // 3 chunks

      assertThat(one.number()).isEqualTo(1);
      assertThat(many).hasSize(1200).doesNotHaveDuplicates();
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1201);
    }
  }

  @Test
  void anEnqueueNotConfirmedByEnoughReplicasSaysTheJobIsQueuedButUnsafe() {
    f = new Fixtures(sentinels.uri());
    try (Spool twoReplicas =
        Spool.builder()
            .redis(sentinels.uri())
            .namespace(f.namespace)
            .waitForReplicas(2, Duration.ofMillis(200)) // the set has one
            .build()) {
      assertThatThrownBy(() -> twoReplicas.enqueue(NOOP, new Noop(1)))
          .isInstanceOf(EnqueueNotReplicatedException.class)
          .isInstanceOf(EnqueueOutcomeUnknownException.class)
          .hasMessageContaining("only 1 of 2 replica(s) confirmed it within 200 ms")
          .hasMessageContaining("1 job(s) queued on queue 'work'")
          .hasMessageNotContaining(PASSWORD)
          .satisfies(
              e ->
                  assertThat(((EnqueueNotReplicatedException) e).jobId())
                      .contains(new JobId("work", 1)));
      assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    }
  }

  @Test
  void aWaitForReplicasAsLongAsTheCommandTimeoutIsRefused() {
    assertThatThrownBy(
            () ->
                Spool.builder()
                    .redis(sentinels.uri())
                    .commandTimeout(Duration.ofSeconds(1))
                    .waitForReplicas(1, Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be shorter than commandTimeout");
  }

  @Test
  void anUnknownMasterNameIsNamedInTheError() {
    String uri = sentinels.uri().replace("#" + RedisSentinelSet.MASTER_NAME, "#nosuchmaster");

    assertThatThrownBy(() -> connect(uri))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("know no master by that name")
        .hasMessageContaining("#nosuchmaster")
        .hasMessageNotContaining(PASSWORD)
        .hasMessageNotContaining("s3cret");
  }

  /** A sentinel's port given as a plain server answers only HELLO: said as what it is. */
  @Test
  void aSentinelGivenAsAPlainRedisSaysItIsASentinel() {
    String uri = "redis://127.0.0.1:" + sentinels.sentinelPorts().getFirst();

    assertThatThrownBy(() -> connect(uri))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("is a Redis Sentinel, not a Redis server")
        .hasMessageContaining("redis-sentinel://host:port#<master name>");
  }

  @Test
  void noSentinelReachableSaysSo() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String uri = "redis-sentinel://:s3cret@127.0.0.1:" + closed + "#mymaster";

    assertThatThrownBy(() -> connect(uri))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining(
            "cannot reach any sentinel of redis-sentinel://127.0.0.1:" + closed + "#mymaster")
        .hasMessageNotContaining("s3cret");
  }

  /**
   * The sentinels answer, naming a master that is down (killed, its failover not done): the message
   * names the master they gave, not only the sentinel URI (which reads as if the sentinels were
   * away).
   */
  @Test
  void aMasterTheSentinelsNameButThatIsDownIsNamed() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    RedisClient client = RedisClient.create();
    try (StatefulRedisSentinelConnection<String, String> sentinel =
        client.connectSentinel(
            RedisURI.create("redis://127.0.0.1:" + sentinels.sentinelPorts().getFirst()))) {
      sentinel.sync().monitor("ghost", "127.0.0.1", closed, 1);
      try {
        String uri =
            "redis-sentinel://127.0.0.1:" + sentinels.sentinelPorts().getFirst() + "#ghost";
        assertThatThrownBy(() -> connect(uri))
            .isInstanceOf(SpoolConnectionException.class)
            .hasMessageContaining("the sentinels of " + uri + " name 127.0.0.1:" + closed)
            .hasMessageContaining("master ghost")
            .hasMessageContaining("connection refused");
      } finally {
        sentinel.sync().remove("ghost");
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aWrongPasswordForTheMasterSaysSo() {
    String uri = sentinels.uri().replaceFirst("//:[^@]*@", "//:wrong@");

    assertThatThrownBy(() -> connect(uri))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("wrong user name or password")
        .hasMessageNotContaining("wrong@");
  }

  private static Spool connect(String uri) {
    return Spool.builder().redis(uri).commandTimeout(Duration.ofSeconds(2)).build();
  }
}
