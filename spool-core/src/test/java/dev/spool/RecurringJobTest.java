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

  @Test
  void whereItsJobsRunReadsAsPeopleWriteIt() {
    RecurringJob any = of(Schedule.every(Duration.ofMinutes(1)));
    assertThat(any.affinityText()).isEmpty();
    assertThat(with(Optional.of("n1"), false, Optional.empty()).affinityText()).isEqualTo("n1");
    assertThat(with(Optional.of("n1"), true, Optional.of("n2")).affinityText())
        .isEqualTo("only n1, not n2");
    assertThat(with(Optional.empty(), false, Optional.of("n2")).affinityText()).isEqualTo("not n2");
  }

  private static RecurringJob with(Optional<String> node, boolean strict, Optional<String> not) {
    return new RecurringJob(
        "r",
        "default",
        "every PT1M",
        "t",
        "{}",
        Optional.empty(),
        Instant.EPOCH,
        node,
        strict,
        not,
        0);
  }
}
