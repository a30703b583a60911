package dev.spool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    Stats s = Stats.of(List.of(3.0, 1.0, 2.0));
    assertThat(s).isEqualTo(new Stats(2.0, 1.0, 3.0, 3));
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Stats.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
  }

  @Test
  void missingAndNonFiniteValuesAreLeftOut() {
    Stats s = Stats.of(Arrays.asList(5.0, null, Double.NaN, Double.POSITIVE_INFINITY, 7.0));
    assertThat(s).isEqualTo(new Stats(6.0, 5.0, 7.0, 2));
    assertThat(Stats.of(Arrays.asList(null, Double.NaN))).isNull();
  }

  @Test
  void percentileIsTheNearestRank() {
    long[] samples = new long[100];
    for (int i = 0; i < 100; i++) {
      samples[i] = 100 - i; // 1..100, unsorted
    }
    assertThat(Stats.percentile(samples, 50)).isEqualTo(50);
    assertThat(Stats.percentile(samples, 99)).isEqualTo(99);
    assertThat(Stats.percentile(samples, 100)).isEqualTo(100);
    assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
    assertThat(Stats.percentile(new long[] {1, 2, 3}, 50)).isEqualTo(2);
  }

  @Test
  void percentileRefusesNoSamplesAndPercentilesOutOfRange() {
    assertThatThrownBy(() -> Stats.percentile(new long[0], 50))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ratioDividesMediansAndIsNaNWhenOneIsMissing() {
    Stats spool = new Stats(30.0, 20.0, 40.0, 3);
    Stats bullmq = new Stats(10.0, 9.0, 11.0, 3);
    assertThat(Stats.ratio(spool, bullmq)).isEqualTo(3.0);
    assertThat(Stats.ratio(null, bullmq)).isNaN();
    assertThat(Stats.ratio(spool, null)).isNaN();
    assertThat(Stats.ratio(spool, new Stats(0, 0, 0, 1))).isNaN();
  }
}
