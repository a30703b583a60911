package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.RedisOutOfMemoryException;
import dev.spool.RedisTimeoutException;
import dev.spool.SpoolConnectionException;
import dev.spool.SpoolException;
import io.lettuce.core.RedisCommandExecutionException;
import org.junit.jupiter.api.Test;

class FailureScopeTest {
  private static SpoolException replied(String reply) {
    return new SpoolException(
        "Redis at redis://h:1 failed: " + reply, new RedisCommandExecutionException(reply));
  }

  @Test
  void aKeyOfAnotherTypeOrAScriptsOwnErrorIsTheCallsOwn() {
    assertThat(FailureScope.wholeRedis(replied("WRONGTYPE Operation against a key"))).isFalse();
    assertThat(FailureScope.wholeRedis(replied("ERR user_script:12: attempt to compare")))
        .isFalse();
    assertThat(FailureScope.wholeRedis(new IllegalStateException("a bug on this side"))).isFalse();
  }

  @Test
  void redisAwayLoadingBusyReadOnlyOrFullFailsEveryCall() {
    assertThat(FailureScope.wholeRedis(new SpoolConnectionException("cannot reach", null)))
        .isTrue();
    assertThat(FailureScope.wholeRedis(new RedisTimeoutException("timed out", null))).isTrue();
    assertThat(FailureScope.wholeRedis(new RedisOutOfMemoryException("OOM", null))).isTrue();
    assertThat(FailureScope.wholeRedis(replied("LOADING Redis is loading the dataset"))).isTrue();
    assertThat(FailureScope.wholeRedis(replied("BUSY Redis is busy running a script"))).isTrue();
    assertThat(FailureScope.wholeRedis(replied("READONLY You can't write against a replica")))
        .isTrue();
    assertThat(
            FailureScope.wholeRedis(new SpoolException("interrupted", new InterruptedException())))
        .isTrue();
  }

  @Test
  void anErrorOfRedisMetInsideAScriptOnRedis62IsStillRedisWide() {
    assertThat(
            FailureScope.wholeRedis(
                replied(
                    "ERR Error running script (call to f_1a2b): @user_script:9: READONLY You"
                        + " can't write against a read only replica.")))
        .isTrue();
    assertThat(
            FailureScope.wholeRedis(
                replied(
                    "ERR Error running script (call to f_1a2b): @user_script:9: WRONGTYPE"
                        + " Operation against a key holding the wrong kind of value")))
        .isFalse();
    assertThat(
            FailureScope.wholeRedis(
                replied(
                    "ERR Error running script (call to f_1a2b): @user_script:12: user_script:12:"
                        + " attempt to compare nil with number")))
        .isFalse();
    assertThat(FailureScope.wholeRedis(replied("NOPERM this user has no permissions"))).isFalse();
  }

  @Test
  void busyAndLoadingRefuseEveryCallAsTheExceptionOrItsTextTellsIt() {
    assertThat(FailureScope.refusesEveryCall(replied("BUSY Redis is busy running a script.")))
        .isEqualTo("BUSY");
    assertThat(FailureScope.refusesEveryCall(replied("LOADING Redis is loading the dataset")))
        .isEqualTo("LOADING");
    assertThat(
            FailureScope.refusesEveryCall(
                "java.util.concurrent.CompletionException: io.lettuce.core.RedisBusyException:"
                    + " BUSY Redis is busy running a script. You can only call SCRIPT KILL"))
        .isEqualTo("BUSY");
    assertThat(
            FailureScope.refusesEveryCall(
                "Redis at redis://h:1 failed: LOADING Redis is loading the dataset in memory"))
        .isEqualTo("LOADING");
    // PING passes on a read-only replica or a full Redis: no outage that a PING could end.
    assertThat(FailureScope.refusesEveryCall(replied("READONLY You can't write"))).isNull();
    assertThat(FailureScope.refusesEveryCall(replied("OOM command not allowed"))).isNull();
    assertThat(FailureScope.refusesEveryCall("node BUSY-1: fetch failed")).isNull();
    assertThat(FailureScope.refusesEveryCall(new IllegalStateException("BUSY"))).isNull();
  }
}
