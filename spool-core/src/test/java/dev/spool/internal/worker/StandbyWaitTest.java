package dev.spool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How long a standby waits before it asks for a lead again, given the lead's remaining time. */
class StandbyWaitTest {
  static final long PERIOD_MS = 250;

  @Test
  void aStandbyAsksAPeriodAfterTheLapseAtMostThreeSecondsOn() {
    long wait = Maintenance.standbyWaitNanos(PERIOD_MS, 400);
    assertThat(wait)
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(400))
        .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400 + 300));
    assertThat(Maintenance.standbyWaitNanos(PERIOD_MS, 2_900))
        .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(3_300));
  }

  /**
   * A lead key given a TTL of ages behind Spool's back: the wait overflowed into a negative one, a
   * wait in the past, and the maintenance thread asked its PTTL in a loop, every other duty
   * starved.
   */
  @Test
  void aTtlOfAgesIsAWaitOfAtMostALeadNotAWaitInThePast() {
    for (long pttl : new long[] {9_300_000_000_000L, Long.MAX_VALUE / 2, Long.MAX_VALUE}) {
      assertThat(Maintenance.standbyWaitNanos(PERIOD_MS, pttl))
          .as("wait for a PTTL of %d ms", pttl)
          .isPositive()
          .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(3_300));
    }
  }
}
