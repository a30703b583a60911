package dev.spool;

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
      return new Count(
          Long.parseLong(parts[2]), Queues.validate(parts[3]), Long.parseLong(parts[4]));
    } catch (IllegalArgumentException e) {
      throw malformed(cursor);
    }
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
            Queues.validate(entry.substring(0, Math.max(eq, 0))),
            Long.parseLong(entry.substring(eq + 1)));
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
