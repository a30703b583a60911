package dev.spool.internal.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.internal.json.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a failed attempt into the JSON error kept on the job. */
final class JobErrors {
  private static final int MAX_FRAMES = 20;

  private JobErrors() {}

  /** "type: message" of an error as {@link #describe} writes it, for a log line. */
  static String summary(String errorJson) {
    if (errorJson == null) {
      return "no error recorded";
    }
    try {
      JsonNode error = Json.mapper().readTree(errorJson);
      return error.path("type").asText("Error") + ": " + error.path("message").asText("");
    } catch (JsonProcessingException e) {
      return errorJson;
    }
  }

  static String describe(String kind, String message, int attempt, String node, Instant at) {
    return describe(kind, message, attempt, node, at, null);
  }

  static String describe(Throwable error, int attempt, String node, Instant at) {
    List<String> frames =
        Arrays.stream(error.getStackTrace()).limit(MAX_FRAMES).map(String::valueOf).toList();
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    return describe(error.getClass().getName(), message, attempt, node, at, frames);
  }

  private static String describe(
      String kind, String message, int attempt, String node, Instant at, List<String> stack) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("type", kind);
    e.put("message", message);
    e.put("attempt", attempt);
    e.put("node", node);
    e.put("at", at.toString());
    if (stack != null) {
      e.put("stack", stack);
    }
    return Json.write(e);
  }
}
