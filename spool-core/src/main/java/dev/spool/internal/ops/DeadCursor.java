package dev.spool.internal.ops;

import dev.spool.Queues;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text of {@link dev.spool.DeadJobs#page}'s cursors: per queue, how many entries of its dead
 * set (newest first) earlier pages took, {@code d1:<queue>=<position>,…}; a queue not listed has
 * given none. Queue names hold no ':', ',' or '=', so the text needs no escaping.
 */
final class DeadCursor {
  private DeadCursor() {}

  static String write(Map<String, Long> positions) {
    StringBuilder out = new StringBuilder("d1:");
    String sep = "";
    for (Map.Entry<String, Long> e : positions.entrySet()) {
      if (e.getValue() > 0) {
        out.append(sep).append(e.getKey()).append('=').append(e.getValue());
        sep = ",";
      }
    }
    return out.toString();
  }

  static Map<String, Long> parse(String cursor) {
    Map<String, Long> positions = new LinkedHashMap<>();
    if (cursor == null) {
      return positions;
    }
    if (!cursor.startsWith("d1:")) {
      throw malformed(cursor);
    }
    String entries = cursor.substring(3);
    if (entries.isEmpty()) {
      return positions;
    }
    try {
      for (String entry : entries.split(",", -1)) {
        int eq = entry.indexOf('=');
        long position = Long.parseLong(entry.substring(eq + 1));
        if (position < 0) {
          throw malformed(cursor);
        }
        positions.put(Queues.validate(entry.substring(0, Math.max(eq, 0))), position);
      }
    } catch (IllegalArgumentException e) {
      throw malformed(cursor);
    }
    return positions;
  }

  private static IllegalArgumentException malformed(String cursor) {
    return new IllegalArgumentException("malformed cursor: '" + cursor + "'");
  }
}
