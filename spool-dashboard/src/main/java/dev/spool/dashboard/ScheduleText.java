package dev.spool.dashboard;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A recurring job's schedule as people write it: "every 30m", as the command line shows it, not the
 * ISO-8601 "every PT30M" the schedule describes itself with; a cron schedule stays as it is.
 */
final class ScheduleText {
  private ScheduleText() {}

  static String of(String described) {
    if (described == null || !described.startsWith("every ")) {
      return described;
    }
    try {
      return "every " + duration(Duration.parse(described.substring("every ".length())));
    } catch (DateTimeParseException e) {
      return described;
    }
  }

  /** As the command line writes it: 90 s as "1m30s", 1 500 ms as "1.5s", 250 ms as "250ms". */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 1000 != 0) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.isEmpty()) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
