package dev.spool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.io.EOFException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which failed acknowledgements are kept and tried again (Redis away or busy) and which are tried
 * apart and then given up (refused by an error of their own).
 */
class AckErrorsTest {
  @Test
  void aLostConnectionIsTransientOnTheSharedConnectionAndOnACallerThreadSocket() {
    assertThat(AckErrors.isTransient(new RedisException("Connection closed"))).isTrue();
    assertThat(AckErrors.isTransient(new RedisCommandTimeoutException("timed out"))).isTrue();
    // A caller-thread socket reports the I/O failure itself once the call was written.
    assertThat(AckErrors.isTransient(new EOFException("Redis closed the connection"))).isTrue();
    assertThat(AckErrors.isTransient(new SocketException("Connection reset"))).isTrue();
    assertThat(AckErrors.isTransient(new CompletionException(new SocketException("reset"))))
        .isTrue();
  }

  @Test
  void aBusyOrMovingRedisIsTransientAndAScriptErrorIsNot() {
    assertThat(
            AckErrors.isTransient(new RedisCommandExecutionException("LOADING Redis is loading")))
        .isTrue();
    assertThat(AckErrors.isTransient(new RedisCommandExecutionException("OOM command not allowed")))
        .isTrue();
    assertThat(
            AckErrors.isTransient(
                new RedisCommandExecutionException("ERR user_script:12: attempt to index nil")))
        .isFalse();
    assertThat(AckErrors.isTransient(new IllegalStateException("a bug"))).isFalse();
  }
}
