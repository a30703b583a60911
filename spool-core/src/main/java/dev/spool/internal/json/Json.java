package dev.spool.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.spool.SpoolException;

/** The one JSON mapper of Spool. Jobs are JSON on the wire, never Java serialization. */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .findAndAddModules()
          // Producers in other languages or newer versions may add fields; ignore them.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Writes a value as JSON; a value that cannot be written is a clear {@link SpoolException}. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new SpoolException(
          "cannot write "
              + (value == null ? "null" : value.getClass().getName())
              + " as JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }

  public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(json, type);
  }
}
