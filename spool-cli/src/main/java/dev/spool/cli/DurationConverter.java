package dev.spool.cli;

import dev.spool.Durations;
import dev.spool.JobOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code
 * 7d}, or combined like {@code 1m30s}. A bare number means seconds. Must be positive.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Parses a duration.
   *
   * @throws TypeConversionException saying what is expected
   */
  public static Duration parse(String value) {
    String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (text.startsWith("-") && WHOLE.matcher(text.substring(1)).matches()) {
      throw new TypeConversionException("'" + value + "' is negative: give a positive duration");
    }
    Duration result;
    try {
      if (text.matches("\\d+")) {
        result = Duration.ofSeconds(Long.parseLong(text));
      } else if (WHOLE.matcher(text).matches()) {
        result = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
          long n = Long.parseLong(m.group(1));
          result =
              switch (m.group(2)) {
                case "ms" -> result.plusMillis(n);
                case "s" -> result.plusSeconds(n);
                case "m" -> result.plusMinutes(n);
                case "h" -> result.plusHours(n);
                default -> result.plusDays(n);
              };
        }
      } else {
        throw invalid(value);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // Digits beyond a long: far past the longest span, not malformed.
      throw tooLong(value);
    }
    if (result.isZero()) {
      throw new TypeConversionException("'" + value + "' is zero: give a positive duration");
    }
    if (result.compareTo(JobOptions.MAX_SPAN) > 0) {
      throw tooLong(value);
    }
    return result;
  }

  private static TypeConversionException tooLong(String value) {
    return new TypeConversionException(
        "'" + value + "' is too long: at most " + JobOptions.MAX_SPAN.toHours() + "h (100 years)");
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "'" + value + "' is not a duration: use a number and a unit, e.g. 500ms, 30s, 2m, 1h, 7d");
  }

  /** 1500 ms → "1.5s", 90 s → "1m30s", 30 s → "30s", 250 ms → "250ms". */
  public static String format(Duration d) {
    return Durations.format(d);
  }
}
