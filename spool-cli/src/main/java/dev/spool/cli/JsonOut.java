package dev.spool.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON the commands print with {@code --json}, and the JSON they read back from Redis. */
final class JsonOut {
  /**
   * Reads stored JSON without changing it: numbers with a fraction or an exponent as BigDecimal, as
   * written (a double turned 1e400 into "Infinity" and 0.1000000000000000055511151231257827 into
   * 0.1), and numbers and names of any length, as Spool itself reads them.
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNumberLength(Integer.MAX_VALUE)
                          .maxNameLength(Integer.MAX_VALUE)
                          .maxStringLength(Integer.MAX_VALUE)
                          .build())
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

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

  /** A stored JSON text as a tree; null if there is none or it is not JSON. */
  static JsonNode parseOrNull(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
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
