package dev.spool;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * When a recurring job runs: at a fixed interval, or on a cron expression in a time zone.
 *
 * <p>Cron expressions have 5 fields ({@code minute hour day-of-month month day-of-week}) or 6 with
 * seconds first, as cron-utils reads them (UNIX and Spring flavours). Times are computed in the
 * given zone: around a daylight-saving change, a local time that does not exist that day (skipped
 * by the clocks going forward) does not run that day. When the clocks go back, a single time of day
 * in the repeated hour ({@code 30 2 * * *}) runs once, at its first occurrence; a schedule with
 * several times in that hour ({@code 0 * * * *}, {@code *}{@code /15 2 * * *}) runs them on both
 * passes through it, as cron-utils computes the next time from the previous one.
 */
public final class Schedule {
  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final CronParser WITH_SECONDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

  private final Duration every;
  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime execution;

  private Schedule(Duration every, String expression, ZoneId zone, ExecutionTime execution) {
    this.every = every;
    this.expression = expression;
    this.zone = zone;
    this.execution = execution;
  }

  /** Every {@code interval}, the first run one interval after the schedule is set. */
  public static Schedule every(Duration interval) {
    JobOptions.positive(interval, "interval");
    if (interval.toMillis() < 1000) {
      throw new IllegalArgumentException("interval must be at least 1 s, got " + interval);
    }
    return new Schedule(interval, null, null, null);
  }

  /**
   * On a cron expression in a time zone.
   *
   * @throws IllegalArgumentException naming the expression and what is wrong with it, also when it
   *     never runs (a date that does not exist, as {@code 0 0 30 2 *}) or has a step of 0 ({@code
   *     *}{@code /0})
   */
  public static Schedule cron(String expression, ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("invalid cron '" + expression + "': it is empty");
    }
    String trimmed = expression.trim();
    String[] fieldList = trimmed.split("\\s+");
    int fields = fieldList.length;
    for (String field : fieldList) {
      for (String part : field.split(",", -1)) {
        // cron-utils says "Period 0 not in range [0, 59]" of */0, which reads as if 0 were allowed.
        if (part.matches(".*/0*")) {
          throw new IllegalArgumentException(
              "invalid cron '"
                  + trimmed
                  + "': a step (after '/') must be at least 1, got '"
                  + part
                  + "'");
        }
      }
    }
    ExecutionTime execution;
    try {
      Cron cron =
          switch (fields) {
            case 5 -> UNIX.parse(trimmed);
            case 6 -> WITH_SECONDS.parse(trimmed);
            default ->
                throw new IllegalArgumentException(
                    "expected 5 fields (minute hour day month weekday) or 6 (seconds first), got "
                        + fields);
          };
      execution = ExecutionTime.forCron(cron.validate());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid cron '" + trimmed + "': " + e.getMessage(), e);
    }
    if (execution.nextExecution(ZonedDateTime.now(zone)).isEmpty()) {
      // 30 February, 31 April: valid fields that never meet.
      throw new IllegalArgumentException(
          "invalid cron '" + trimmed + "': it never runs (no such date, as 30 February)");
    }
    return new Schedule(null, trimmed, zone, execution);
  }

  /** The first run strictly after {@code after}. */
  public Instant next(Instant after) {
    if (every != null) {
      return after.plus(every);
    }
    return execution
        .nextExecution(ZonedDateTime.ofInstant(after, zone))
        .map(ZonedDateTime::toInstant)
        .orElseThrow(
            () -> new IllegalStateException("cron '" + expression + "' has no run after " + after));
  }

  /**
   * The stored form, which {@link #parse} reads back: {@code every:PT30S} or {@code
   * cron:ZONE:EXPR}.
   */
  public String stored() {
    return every != null ? "every:" + every : "cron:" + zone.getId() + ":" + expression;
  }

  public static Schedule parse(String stored) {
    if (stored.startsWith("every:")) {
      return every(Duration.parse(stored.substring(6)));
    }
    if (stored.startsWith("cron:")) {
      int colon = stored.indexOf(':', 5);
      return cron(stored.substring(colon + 1), ZoneId.of(stored.substring(5, colon)));
    }
    throw new IllegalArgumentException("not a stored schedule: '" + stored + "'");
  }

  @Override
  public String toString() {
    return every != null ? "every " + every : "cron '" + expression + "' in " + zone;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s && s.stored().equals(stored());
  }

  @Override
  public int hashCode() {
    return stored().hashCode();
  }
}
