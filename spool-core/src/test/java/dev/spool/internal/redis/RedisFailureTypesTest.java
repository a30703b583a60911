package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.RedisTimeoutException;
import dev.spool.SpoolConnectionException;
import dev.spool.SpoolException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which exception type a failure of a Redis call becomes: every wait that ran out is a {@link
 * RedisTimeoutException}, whichever timer ended it, and a refused connection is not one. (The
 * real-Redis cases are in spool-it: ConnectErrorsIT, ConnectionFaultsIT, TlsIT.)
 */
class RedisFailureTypesTest {
  private static final String AT = "redis://127.0.0.1:6390";

  private static SpoolException connectFailure(Throwable cause) {
    return RedisConnection.failure(AT, new RedisConnectionException("Unable to connect", cause));
  }

  @Test
  void aRefusalRedisGivesEveryCallForAWhileIsAConnectionFailureNamingIt() {
    for (String reply :
        List.of(
            "LOADING Redis is loading the dataset in memory",
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
            "READONLY You can't write against a read only replica.",
            "ERR Error running script (call to f_1): @user_script:9: READONLY You can't write")) {
      assertThat(RedisConnection.failure(AT, new RedisCommandExecutionException(reply)))
          .isInstanceOf(SpoolConnectionException.class)
          .hasMessageStartingWith("Redis at " + AT + " does not serve calls now (")
          .hasMessageContaining(reply);
    }
    // A refusal of the call itself stays the call's.
    assertThat(
            RedisConnection.failure(
                AT,
                new RedisCommandExecutionException(
                    "WRONGTYPE Operation against a key holding the wrong kind of value")))
        .isNotInstanceOf(SpoolConnectionException.class);
  }

  @Test
  void aCommandWithNoAnswerInTimeIsATimeout() {
    assertThat(RedisConnection.failure(AT, new RedisCommandTimeoutException("after 1 s")))
        .isInstanceOf(RedisTimeoutException.class)
        .hasMessage("no answer from Redis at " + AT + " (timed out)");
  }

  @Test
  void aTlsHandshakeThatNeverCompletesIsATimeout() {
    // what a plain-text Redis behind rediss:// gives when the handshake's timer ends first
    assertThat(
            connectFailure(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
        .isInstanceOf(RedisTimeoutException.class)
        .hasMessageContaining("cannot reach Redis at " + AT)
        .hasMessageContaining("timed out");
  }

  @Test
  void aTcpConnectThatTimesOutIsATimeoutNotARefusal() {
    assertThat(connectFailure(new ConnectTimeoutException("connection timed out: /10.0.0.1:6379")))
        .isInstanceOf(RedisTimeoutException.class)
        .hasMessage("cannot reach Redis at " + AT + " (connect timed out)");
  }

  @Test
  void aReadOnOneOfSpoolsOwnSocketsThatTimesOutIsATimeout() {
    assertThat(connectFailure(new SocketTimeoutException("Read timed out")))
        .isInstanceOf(RedisTimeoutException.class);
  }

  @Test
  void aRefusedConnectionIsAConnectionFailureButNoTimeout() {
    assertThat(connectFailure(new ConnectException("Connection refused")))
        .isExactlyInstanceOf(SpoolConnectionException.class)
        .hasMessage("cannot reach Redis at " + AT + " (connection refused)");
  }

  /**
   * One node of a Cluster reached as a single server answers MOVED for most keys: that is no
   * passing state of a Cluster's, and the message says how to connect to one.
   */
  @Test
  void aMovedAnswerToASingleServerClientSaysItIsAClusterNodeAndHowToConnect() {
    RedisCommandExecutionException moved =
        new RedisCommandExecutionException("MOVED 12548 127.0.0.1:41383");

    assertThat(RedisConnection.failure(AT, moved))
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("is a node of a Redis Cluster")
        .hasMessageContaining("redis-cluster://host:port");
    assertThat(RedisConnection.failure(AT, moved, true))
        .hasMessageContaining("does not serve this slot now");
  }
}
