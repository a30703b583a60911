package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Spans and times too large for Spool's millisecond arithmetic are refused with their name. */
class JobOptionsTest {
  private static final Duration TOO_LONG = JobOptions.MAX_SPAN.plusSeconds(1);

  @Test
  void everySpanTheLimitLetsThroughHasNanoseconds() {
    assertThat(JobOptions.MAX_SPAN.toNanos()).isPositive();
    assertThat(Duration.ofDays(365L * 300)).isGreaterThan(JobOptions.MAX_SPAN);
  }

  @Test
  void aHundredYearsIsTheLongestSpan() {
    assertThat(JobOptions.builder().delay(JobOptions.MAX_SPAN).build().delay())
        .contains(JobOptions.MAX_SPAN);
    assertThatThrownBy(() -> JobOptions.builder().delay(TOO_LONG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay is too long");
    assertThatThrownBy(() -> JobOptions.builder().timeout(Duration.ofSeconds(Long.MAX_VALUE)))
        .hasMessageContaining("timeout is too long");
    assertThatThrownBy(() -> JobOptions.builder().ttl(TOO_LONG))
        .hasMessageContaining("ttl is too long");
    assertThatThrownBy(() -> Spool.builder().retention(TOO_LONG))
        .hasMessageContaining("retention is too long");
  }

  @Test
  void noRunOrExpiryLaterThanTheYear9999() {
    Instant far = Instant.parse("+999999999-12-31T23:59:59Z");
    assertThat(JobOptions.builder().runAt(JobOptions.LATEST).build().runAt())
        .contains(JobOptions.LATEST);
    assertThatThrownBy(() -> JobOptions.builder().runAt(far))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runAt is too late");
    assertThatThrownBy(() -> JobOptions.builder().expiresAt(far))
        .hasMessageContaining("expiresAt is too late");
  }

  @Test
  void aRateLimitWindowTooLongForMillisecondsIsRefusedNotOverflowed() {
    assertThatThrownBy(() -> new RateLimit<>(10, Duration.ofSeconds(Long.MAX_VALUE), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 ms to 1 day");
  }
}
