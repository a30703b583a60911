package dev.spool.internal.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobLogLine;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's log lines as stored: one JSON object each, {@code {"t": µs, "n": attempt, "m": text}}.
 */
public final class JobLogLines {
  private JobLogLines() {}

  /** The stored form of a line; a message longer than {@link JobLogLine#MAX_LENGTH} is cut. */
  public static String encode(Instant at, int attempt, String message) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("t", Micros.of(at));
    line.put("n", attempt);
    line.put("m", cut(message == null ? "null" : message));
    return StatusFields.json(line, "log line");
  }

  /**
   * A stored line read back. One that is not such an object (written by hand) is kept whole as the
   * message, at the epoch, so that a log shows what it holds rather than failing.
   */
  public static JobLogLine decode(String stored) {
    try {
      JsonNode node = Json.mapper().readTree(stored);
      if (node != null
          && node.path("t").canConvertToLong()
          && node.path("n").canConvertToInt()
          && node.path("m").isTextual()) {
        return new JobLogLine(
            Micros.toInstant(node.get("t").asLong()),
            node.get("n").asInt(),
            node.get("m").asText());
      }
    } catch (JsonProcessingException e) {
      // falls through: kept as text
    }
    return new JobLogLine(Instant.EPOCH, 0, stored);
  }

  /** At most MAX_LENGTH characters, never splitting a surrogate pair. */
  private static String cut(String message) {
    if (message.length() <= JobLogLine.MAX_LENGTH) {
      return message;
    }
    int end = JobLogLine.MAX_LENGTH - 1;
    if (Character.isHighSurrogate(message.charAt(end - 1))) {
      end--;
    }
    return message.substring(0, end) + "…";
  }
}
