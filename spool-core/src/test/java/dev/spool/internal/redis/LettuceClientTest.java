package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A connect whose handshake answer Lettuce lost in a race is tried once more; nothing else is. */
class LettuceClientTest {
  static RedisConnectionException lost() {
    return new RedisConnectionException(
        "Unable to connect to 127.0.0.1:6379",
        new IllegalStateException("RedisHandshakeHandler not registered"));
  }

  @Test
  void aLostHandshakeAnswerIsAskedForOnceMore() {
    AtomicInteger calls = new AtomicInteger();
    String connected =
        LettuceClient.onceMoreIfTheAnswerWasLost(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw lost();
              }
              return "connected";
            });

    assertThat(connected).isEqualTo("connected");
    assertThat(calls).hasValue(2);
  }

  @Test
  void otherFailuresAndASecondLossAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                LettuceClient.onceMoreIfTheAnswerWasLost(
                    () -> {
                      calls.incrementAndGet();
                      throw new RedisConnectionException("ERR DB index is out of range");
                    }))
        .hasMessageContaining("DB index");
    assertThat(calls).hasValue(1);

    calls.set(0);
    assertThatThrownBy(
            () ->
                LettuceClient.onceMoreIfTheAnswerWasLost(
                    () -> {
                      calls.incrementAndGet();
                      throw lost();
                    }))
        .isInstanceOf(RedisConnectionException.class);
    assertThat(calls).hasValue(2);
  }

  @Test
  void aClusterNodesLostAnswerCountsToo() {
    RedisConnectionException topology =
        new RedisConnectionException("Unable to establish a connection to Redis Cluster");
    topology.addSuppressed(lost());

    assertThat(LettuceClient.handshakeAnswerLost(topology)).isTrue();
    assertThat(
            LettuceClient.handshakeAnswerLost(
                new RedisConnectionException("ERR DB index is out of range")))
        .isFalse();
  }
}
