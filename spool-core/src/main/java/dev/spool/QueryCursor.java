package dev.spool;

import dev.spool.internal.status.QueryStep;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of the cursors of {@link StatusQuery#countFor} and {@link StatusQuery#page}: per queue,
 * the job number below which the walk goes on (0: that queue is done). Queue names hold no ':', ','
 * or '=', so the text needs no escaping. A fingerprint of the query's clauses catches a cursor
 * handed to another query.
 *
 * <p>Count: {@code c1:<fingerprint>:<counted>:<queue>:<below>}. Page: {@code
 * p1:<fingerprint>:<queue>=<below>,…} (a queue not listed has not started).
 */
final class QueryCursor {
  /** Job numbers have at most 14 digits. */
  private static final long MAX_JOB_NUMBER = 100_000_000_000_000L;

  private QueryCursor() {}

  /** Where a count stands: so far, and the queue and number it goes on from. */
  record Count(long counted, String queue, long below) {}

  static String fingerprint(List<String> clauses) {
    return Integer.toHexString(clauses.hashCode());
  }

  static String count(String fingerprint, Count c) {
    return "c1:" + fingerprint + ":" + c.counted() + ":" + c.queue() + ":" + c.below();
  }

  static Count parseCount(String fingerprint, String cursor) {
    String[] parts = cursor.split(":", -1);
    if (parts.length != 5 || !parts[0].equals("c1")) {
      throw malformed(cursor);
    }
    checkFingerprint(fingerprint, parts[1]);
    try {
      long counted = Long.parseLong(parts[2]);
      long below = below(parts[4]);
      if (counted < 0) {
        throw malformed(cursor);
      }
      return new Count(counted, Queues.validate(parts[3]), below);
    } catch (IllegalArgumentException e) {
      throw malformed(cursor);
    }
  }

  /**
   * A walk's position: a job number (at most 14 digits), 0 for a queue walked to its end, or {@link
   * QueryStep#FROM_NEWEST}. Anything else was not written by Spool (a forged count cursor made a
   * total of -5).
   */
  private static long below(String text) {
    long below = Long.parseLong(text);
    if (below != QueryStep.FROM_NEWEST && (below < QueryStep.END || below > MAX_JOB_NUMBER)) {
      throw new IllegalArgumentException(text);
    }
    return below;
  }

  static String page(String fingerprint, Map<String, Long> positions) {
    StringBuilder out = new StringBuilder("p1:").append(fingerprint).append(':');
    String sep = "";
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      out.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ",";
    }
    return out.toString();
  }

  static Map<String, Long> parsePage(String fingerprint, String cursor) {
    String[] parts = cursor.split(":", -1);
    if (parts.length != 3 || !parts[0].equals("p1")) {
      throw malformed(cursor);
    }
    checkFingerprint(fingerprint, parts[1]);
    Map<String, Long> positions = new LinkedHashMap<>();
    if (parts[2].isEmpty()) {
      return positions;
    }
    try {
      for (String entry : parts[2].split(",", -1)) {
        int eq = entry.indexOf('=');
        positions.put(
            Queues.validate(entry.substring(0, Math.max(eq, 0))), below(entry.substring(eq + 1)));
      }
    } catch (IllegalArgumentException e) {
      throw malformed(cursor);
    }
    return positions;
  }

  private static void checkFingerprint(String expected, String got) {
    if (!expected.equals(got)) {
      throw new IllegalArgumentException("this cursor belongs to another query");
    }
  }

  private static IllegalArgumentException malformed(String cursor) {
    return new IllegalArgumentException("malformed cursor: '" + cursor + "'");
  }
}
