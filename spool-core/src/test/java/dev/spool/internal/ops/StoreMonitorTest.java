package dev.spool.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoreMonitorTest {
  @Test
  void countsAreShortenedLikeTheSeedsStatusString() {
    assertThat(StoreMonitor.count(0)).isEqualTo("0");
    assertThat(StoreMonitor.count(999)).isEqualTo("999");
    assertThat(StoreMonitor.count(1000)).isEqualTo("1.00K");
    assertThat(StoreMonitor.count(3420)).isEqualTo("3.42K");
    assertThat(StoreMonitor.count(1_234_567)).isEqualTo("1.23M");
    assertThat(StoreMonitor.count(7_000_000_000L)).isEqualTo("7.00G");
  }

  @Test
  void aCountThatRoundsUpToTheNextUnitIsWrittenInThatUnit() {
    assertThat(StoreMonitor.count(999_994)).isEqualTo("999.99K");
    assertThat(StoreMonitor.count(999_995)).isEqualTo("1.00M");
    assertThat(StoreMonitor.count(999_999)).isEqualTo("1.00M");
    assertThat(StoreMonitor.count(999_999_999)).isEqualTo("1.00G");
    assertThat(StoreMonitor.count(Long.MAX_VALUE)).isEqualTo("9.22E");
  }
}
