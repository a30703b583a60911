package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A start that fails half-way gives back everything it took. */
class WorkerStartIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  String user;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    user = "no-channels-" + f.namespace.replaceAll("[^A-Za-z0-9]", "");
  }

  @AfterEach
  void tearDown() {
    f.redis().aclDeluser(user);
    f.close();
  }

  @Test
  void aWorkerWhoseStartFailsGivesBackItsConnectionsThreadsAndName() {
    // Every key, channel and command but SUBSCRIBE: the client connects (it may publish), but
    // the worker's subscriptions are refused after it has registered its name.
    f.redis()
        .aclSetuser(
            user,
            AclSetuserArgs.Builder.on()
                .addPassword("secret")
                .allKeys()
                .allChannels()
                .allCommands()
                .removeCommand(CommandType.SUBSCRIBE));
    String uri = "redis://" + user + ":secret@" + redis.host() + ":" + redis.port();
    try (Spool limited = Spool.builder().redis(uri).namespace(f.namespace).build()) {
      long before = clientsOf(user);
      assertThatThrownBy(() -> limited.worker("node-1").handle(NOOP, (job, a) -> {}).start())
          .isInstanceOf(SpoolException.class)
          .hasMessageContaining("NOPERM");

      await().atMost(Duration.ofSeconds(5)).until(() -> clientsOf(user) == before);
      await().atMost(Duration.ofSeconds(5)).until(() -> threadsOf("node-1") == 0);
      assertThat(f.redis().exists(f.namespace + ":{nodes}:name:node-1")).isZero();
      assertThat(f.spool.monitor().nodes()).isEmpty();
    }
    // The name is free at once for a node that can start.
    Worker again = f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    assertThat(again.name()).isEqualTo("node-1");
  }

  private long clientsOf(String name) {
    return Arrays.stream(f.redis().clientList().split("\n"))
        .filter(line -> line.contains(" user=" + name + " "))
        .count();
  }

  private static long threadsOf(String node) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("spool-") && t.getName().endsWith("-" + node))
        .filter(Thread::isAlive)
        .count();
  }
}
