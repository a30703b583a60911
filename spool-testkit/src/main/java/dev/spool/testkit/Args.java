package dev.spool.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobType;
import dev.spool.PayloadTooLargeException;
import dev.spool.SpoolException;
import dev.spool.internal.json.Json;
import java.nio.charset.StandardCharsets;

/** Job arguments to and from JSON with Spool's own mapper, failing as a real Spool would. */
final class Args {
  private Args() {}

  /** The JSON of arguments, of any size. */
  static String write(JobType<?> type, Object args) {
    return write(type, args, Integer.MAX_VALUE);
  }

  /** The JSON a real Spool would store, or the exception it would throw at enqueue. */
  static String write(JobType<?> type, Object args, int maxBytes) {
    if (args == null) {
      throw new IllegalArgumentException("arguments of job type '" + type.name() + "' are null");
    }
    String json;
    try {
      json = Json.write(args);
    } catch (SpoolException e) {
      throw new SpoolException(
          "arguments of job type '" + type.name() + "' cannot be enqueued: " + e.getMessage(),
          e.getCause());
    }
    if (maxBytes < Integer.MAX_VALUE) {
      int bytes = json.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new PayloadTooLargeException(type.name(), bytes, maxBytes);
      }
    }
    return json;
  }

  /**
   * The arguments a worker would hand to the handler; a mismatch (which a worker would fail as an
   * argument mismatch) is a {@link SpoolException}.
   */
  static <A> A read(JobType<A> type, String json) {
    try {
      return Json.readArgs(json, type.argsType());
    } catch (JsonProcessingException e) {
      throw new SpoolException(
          "arguments of job type '"
              + type.name()
              + "' do not read back from their JSON "
              + json
              + " as "
              + type.argsType().getName()
              + " (a worker would fail the job): "
              + Json.describe(e),
          e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }

  /** A value as a worker's status would keep it: written as JSON and read back untyped. */
  static Object jsonValue(Object value, String what) {
    String json;
    try {
      json = Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new SpoolException(
          what
              + " cannot be written as JSON ("
              + (value == null ? "null" : value.getClass().getName())
              + "): "
              + e.getOriginalMessage(),
          e);
    }
    try {
      return Json.mapper().readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }
}
