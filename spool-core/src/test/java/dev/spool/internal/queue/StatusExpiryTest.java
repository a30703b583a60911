package dev.spool.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A finished status's expiry, the safety net behind the Pruner: the retention plus a grace as long
 * again, at least an hour (a status that expires before it is pruned leaves its label index
 * entries) and at most a day.
 */
class StatusExpiryTest {
  private static long expiry(Duration retention) {
    return RedisJobStore.expirySeconds(retention);
  }

  @Test
  void aShortRetentionGetsAnHourOfGrace() {
    assertThat(expiry(Duration.ofMinutes(1))).isEqualTo(60 + 3_600);
    assertThat(expiry(Duration.ZERO)).isEqualTo(1 + 3_600);
  }

  @Test
  void aRetentionOfHoursGetsAsLongAgain() {
    assertThat(expiry(Duration.ofHours(5))).isEqualTo(2 * 5 * 3_600);
  }

  @Test
  void aLongRetentionGetsADayOfGrace() {
    assertThat(expiry(Duration.ofDays(30))).isEqualTo((30 + 1) * 86_400L);
  }
}
