package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScheduleTest {

  @Test
  void aCronThatNeverRunsIsRefusedByCron() {
    // Accepted before, and Spool.recurring then threw IllegalStateException "has no run after".
    assertThatThrownBy(() -> Schedule.cron("0 0 30 2 *", ZoneOffset.UTC))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid cron '0 0 30 2 *': it never runs (no such date, as 30 February)");
    assertThatThrownBy(() -> Schedule.cron("0 0 0 31 4 *", ZoneOffset.UTC))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("it never runs");
  }

  @Test
  void aStepOfZeroSaysSo() {
    // cron-utils says "Period 0 not in range [0, 59]".
    assertThatThrownBy(() -> Schedule.cron("*/0 * * * *", ZoneOffset.UTC))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid cron '*/0 * * * *': a step (after '/') must be at least 1, got '*/0'");
    assertThatThrownBy(() -> Schedule.cron("0 1,5/00 * * *", ZoneOffset.UTC))
        .hasMessageContaining("a step (after '/') must be at least 1, got '5/00'");
  }

  @Test
  void aRareButRealDateIsKept() {
    Schedule leapDay = Schedule.cron("0 0 29 2 *", ZoneOffset.UTC);
    assertThat(leapDay.next(Instant.parse("2026-01-01T00:00:00Z")))
        .isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
    assertThat(Schedule.cron("*/10 * * * *", ZoneOffset.UTC).next(Instant.EPOCH))
        .isEqualTo(Instant.parse("1970-01-01T00:10:00Z"));
  }
}
