package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A server that answers the connection, but not as Spool needs, is named for what happened — not
 * "cannot reach Redis" — and the configured timeouts hold even when a port never answers.
 */
class ConnectErrorsIT {
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  private SpoolRedis redisWithPassword(String password) {
    SpoolRedis redis = SpoolRedis.dedicated();
    opened.add(redis::close);
    RedisClient client = RedisClient.create(redis.uri());
    try (var c = client.connect()) {
      c.sync().configSet("requirepass", password);
    } finally {
      client.shutdown();
    }
    return redis;
  }

  private static Spool connect(String uri) {
    return Spool.builder().redis(uri).commandTimeout(Duration.ofSeconds(1)).build();
  }

  @Test
  void noPasswordWhereOneIsNeededSaysSo() {
    SpoolRedis redis = redisWithPassword("s3cret");

    assertThatThrownBy(() -> connect(redis.uri()))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("wants a password (NOAUTH)")
        .hasMessageNotContaining("cannot reach");
  }

  @Test
  void aWrongPasswordSaysAuthenticationFailedWithoutShowingIt() {
    SpoolRedis redis = redisWithPassword("s3cret");
    String uri = "redis://:Wr0ngPw@" + redis.host() + ":" + redis.port();

    assertThatThrownBy(() -> connect(uri))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageNotContaining("Wr0ngPw")
        .hasMessageNotContaining("cannot reach");
  }

  @Test
  void aSentinelUriAtAPlainRedisSaysItIsNoSentinel() {
    SpoolRedis redis = SpoolRedis.embedded();
    String uri = "redis-sentinel://" + redis.host() + ":" + redis.port() + "#mymaster";

    assertThatThrownBy(() -> connect(uri))
        .isInstanceOf(SpoolConnectionException.class)
        .isNotInstanceOf(RedisTimeoutException.class)
        .hasMessageContaining("is a Redis server, not a Redis Sentinel");
  }

  @Test
  void aClusterUriAtPlainRedisServersSaysTheyAreNoCluster() {
    SpoolRedis redis = SpoolRedis.embedded();
    String node = redis.host() + ":" + redis.port();

    assertThatThrownBy(() -> connect("redis://" + node + "," + node))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("are not a Redis Cluster (cluster support disabled)");
    // Named as it was given: the one-seed form is redis-cluster://, not a redis:// of one server.
    assertThatThrownBy(() -> connect("redis-cluster://" + node))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining(
            "the servers of redis-cluster://" + node + " are not a Redis Cluster");
  }

  // Repeated: Lettuce now and then lost the server's answer in a race with its own look at it.
  @RepeatedTest(10)
  void aDatabaseThatDoesNotExistIsNamed() {
    SpoolRedis redis = SpoolRedis.embedded();

    assertThatThrownBy(() -> connect(redis.uri() + "/99"))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining(
            "the database of redis://" + redis.host() + ":" + redis.port() + "/99")
        .hasMessageContaining("does not exist");
  }

  @Test
  void aPortThatSpeaksHttpIsNotARedisServer() throws Exception {
    ServerSocket http =
        server(
            socket -> {
              OutputStream out = socket.getOutputStream();
              out.write(
                  "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
            });

    assertThatThrownBy(() -> connect("redis://127.0.0.1:" + http.getLocalPort()))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("is not a Redis server");
  }

  @Test
  void aPortThatNeverAnswersFailsWithinTheConfiguredTimeouts() throws Exception {
    ServerSocket silent = server(socket -> {});

    // A bound, not a measurement: 1 s command timeout, 5 s connect timeout, room to spare.
    SpoolConnectionException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> {
              try {
                connect("redis://127.0.0.1:" + silent.getLocalPort()).close();
                return null;
              } catch (SpoolConnectionException failure) {
                return failure;
              }
            });
    assertThat(e).as("the connect failed").isInstanceOf(RedisTimeoutException.class);
  }

  interface Reply {
    void to(Socket socket) throws IOException;
  }

  /** A loopback server that answers every connection with {@code reply} and keeps it open. */
  private ServerSocket server(Reply reply) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> accepted = new ArrayList<>();
    Thread acceptor =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!server.isClosed()) {
                    try {
                      Socket s = server.accept();
                      synchronized (accepted) {
                        accepted.add(s);
                      }
                      s.getInputStream().read(new byte[256]); // the client speaks first
                      reply.to(s);
                    } catch (IOException e) {
                      return; // closed
                    }
                  }
                });
    opened.add(
        () -> {
          server.close();
          synchronized (accepted) {
            for (Socket s : accepted) {
              s.close();
            }
          }
          acceptor.join(2_000);
        });
    return server;
  }
}
