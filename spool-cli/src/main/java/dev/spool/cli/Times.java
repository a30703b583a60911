package dev.spool.cli;

import dev.spool.JobOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Instants as the commands read and print them: ISO-8601, UTC. */
final class Times {
  private static final DateTimeFormatter HUMAN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  /** For people: millisecond precision, fixed width, e.g. {@code 2026-05-01T12:00:00.250Z}. */
  static String human(Instant t) {
    return t == null ? null : HUMAN.format(t);
  }

  /**
   * Reads {@code 2026-05-01T12:00:00Z}, {@code 2026-05-01T14:00:00+02:00} or {@code 2026-05-01}
   * (midnight UTC).
   *
   * @throws TypeConversionException saying what is expected
   */
  static Instant parseInstant(String text) {
    String s = text == null ? "" : text.strip();
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      // try the other forms
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // try the other forms
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is not an ISO-8601 instant: use e.g. 2026-05-01T12:00:00Z,"
              + " 2026-05-01T14:00:00+02:00 or 2026-05-01");
    }
  }

  /** Reads an ISO-8601 instant (see {@link #parseInstant}). */
  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      Instant at = parseInstant(value);
      if (at.isAfter(JobOptions.LATEST)) {
        throw new TypeConversionException(
            "'" + value + "' is too late: at most " + JobOptions.LATEST);
      }
      return at;
    }
  }

  /**
   * Reads an ISO-8601 instant, or a duration that means "this long ago" ({@code 30m}, {@code 2h}),
   * for query bounds.
   */
  static final class InstantOrAgoConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      String s = value == null ? "" : value.strip();
      if (!s.isEmpty() && Character.isDigit(s.charAt(0)) && !s.contains("-")) {
        Duration ago;
        try {
          ago = DurationConverter.parse(s);
        } catch (TypeConversionException e) {
          throw neither(value);
        }
        return Instant.now().minus(ago);
      }
      try {
        return parseInstant(value);
      } catch (TypeConversionException e) {
        throw neither(value);
      }
    }

    private static TypeConversionException neither(String value) {
      return new TypeConversionException(
          "'"
              + value
              + "' is neither an ISO-8601 instant (e.g. 2026-05-01T12:00:00Z) nor a duration ago"
              + " (e.g. 30m, 2h)");
    }
  }
}
