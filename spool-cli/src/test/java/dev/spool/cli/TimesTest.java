package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.JobOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class TimesTest {
  @Test
  void readsIsoInstantsOffsetsAndDates() {
    assertThat(Times.parseInstant("2026-05-01T12:00:00Z"))
        .isEqualTo(Instant.parse("2026-05-01T12:00:00Z"));
    assertThat(Times.parseInstant("2026-05-01T14:00:00+02:00"))
        .isEqualTo(Instant.parse("2026-05-01T12:00:00Z"));
    assertThat(Times.parseInstant("2026-05-01")).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
    assertThatThrownBy(() -> Times.parseInstant("soon"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'soon' is not an ISO-8601 instant");
  }

  @Test
  void anInstantForARunIsAtMostTheLastSecondOfTheYear9999() {
    Times.InstantConverter at = new Times.InstantConverter();
    assertThat(at.convert("9999-12-31T23:59:59Z")).isEqualTo(JobOptions.LATEST);
    assertThatThrownBy(() -> at.convert("+999999999-12-31T23:59:59Z"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("too late");
  }

  @Test
  void readsADurationAsThatLongAgo() {
    Instant before = Instant.now().minus(Duration.ofMinutes(30));
    Instant t = new Times.InstantOrAgoConverter().convert("30m");
    Instant after = Instant.now().minus(Duration.ofMinutes(30));

    assertThat(t).isBetween(before, after);
    assertThat(new Times.InstantOrAgoConverter().convert("2026-05-01"))
        .isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
    assertThatThrownBy(() -> new Times.InstantOrAgoConverter().convert("banana"))
        .hasMessageContaining("neither an ISO-8601 instant")
        .hasMessageContaining("nor a duration ago (e.g. 30m, 2h)");
  }

  @Test
  void printsMillisecondsInUtc() {
    assertThat(Times.human(Instant.parse("2026-05-01T12:00:00.123456Z")))
        .isEqualTo("2026-05-01T12:00:00.123Z");
    assertThat(Times.human(Instant.parse("2026-05-01T12:00:00Z")))
        .isEqualTo("2026-05-01T12:00:00.000Z");
  }
}
