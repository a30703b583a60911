package dev.spool;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people write them, and as the `spool` command reads and shows them: "1m30s", "1.5s",
 * "250ms".
 */
public final class Durations {
  private Durations() {}

  /** 1500 ms → "1.5s", 90 s → "1m30s", 30 s → "30s", 250 ms → "250ms". */
  public static String format(Duration d) {
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
