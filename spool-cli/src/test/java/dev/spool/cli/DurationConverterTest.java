package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  @Test
  void readsTheUsualUnits() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationConverter.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(DurationConverter.parse("1d12h")).isEqualTo(Duration.ofHours(36));
    assertThat(DurationConverter.parse(" 45S ")).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void aBareNumberIsSeconds() {
    assertThat(DurationConverter.parse("20")).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void refusesWhatIsNotAPositiveDuration() {
    for (String bad :
        new String[] {"", "s", "10x", "-5s", "1.5s", "0s", "0", "99999999999999999999s"}) {
      assertThatThrownBy(() -> DurationConverter.parse(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class);
    }
  }

  @Test
  void refusesWhatIsLongerThanAHundredYears() {
    assertThat(DurationConverter.parse("876600h")).isEqualTo(Duration.ofDays(36_525));
    for (String tooLong :
        new String[] {"876601h", "2700000h", "99999999999999999s", "9999999999999999999s"}) {
      assertThatThrownBy(() -> DurationConverter.parse(tooLong))
          .as(tooLong)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("too long");
    }
  }

  @Test
  void aNegativeDurationIsNamedAsNegative() {
    assertThatThrownBy(() -> DurationConverter.parse("-5s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'-5s' is negative: give a positive duration");
  }

  @Test
  void formatsForPeople() {
    assertThat(DurationConverter.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(DurationConverter.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(DurationConverter.format(Duration.ofHours(2))).isEqualTo("2h");
  }
}
