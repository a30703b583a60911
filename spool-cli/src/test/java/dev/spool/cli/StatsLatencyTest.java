package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatsLatencyTest {
  @Test
  void aLatencyReadsAsPeopleWriteDurationsInWholeSecondsFromAMinuteOn() {
    assertThat(StatsCommand.latency(1, Duration.ofMillis(40))).isEqualTo("40ms");
    assertThat(StatsCommand.latency(1, Duration.ofMillis(12_345))).isEqualTo("12.3s");
    assertThat(StatsCommand.latency(1, Duration.ofMillis(325_431))).isEqualTo("5m25s");
    assertThat(StatsCommand.latency(1, Duration.ofMillis(3_600_297))).isEqualTo("1h");
    assertThat(StatsCommand.latency(1, Duration.ofMillis(180_187_654))).isEqualTo("50h3m7s");
  }

  @Test
  void aQueueWithNoReadyJobShowsADash() {
    assertThat(StatsCommand.latency(0, Duration.ZERO)).isEqualTo("-");
  }
}
