package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecurringJobTest {
  private static RecurringJob of(Schedule schedule) {
    return new RecurringJob(
        "r", "default", schedule.toString(), "t", "{}", Optional.empty(), Instant.EPOCH);
  }

  @Test
  void aScheduleReadsAsTheCommandLineWritesIt() {
    assertThat(of(Schedule.every(Duration.ofMinutes(30))).scheduleText()).isEqualTo("every 30m");
    assertThat(of(Schedule.every(Duration.ofMinutes(90))).scheduleText()).isEqualTo("every 1h30m");
    assertThat(of(Schedule.every(Duration.ofSeconds(2))).scheduleText()).isEqualTo("every 2s");
    assertThat(of(Schedule.every(Duration.ofMillis(1500))).scheduleText()).isEqualTo("every 1.5s");
    assertThat(of(Schedule.cron("0 * * * *", ZoneId.of("UTC"))).scheduleText())
        .isEqualTo("cron '0 * * * *' in UTC");
  }
}
