package dev.spool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON the commands print with {@code --json}, and the JSON they read back from Redis. */
final class JsonOut {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonOut() {}

  /** One document on one line. Instants are written as ISO-8601 strings. */
  static String write(Object document) {
    try {
      return MAPPER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A stored JSON text as a tree; a text that is not JSON comes back as a JSON string. */
  static JsonNode parseStored(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(json);
    }
  }

  /** A stored JSON text as maps, lists, strings and numbers; a text that is not JSON as itself. */
  static Object value(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  /** A JSON object of the given keys and values, in order; nulls are kept (stable fields). */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object value = keysAndValues[i + 1];
      m.put((String) keysAndValues[i], value instanceof Instant t ? t.toString() : value);
    }
    return m;
  }

  /** Compact JSON of a value, for one cell or line of text. */
  static String compact(Object value) {
    return value == null ? null : write(value);
  }
}
