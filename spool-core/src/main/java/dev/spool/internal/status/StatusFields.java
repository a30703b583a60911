package dev.spool.internal.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.SpoolException;
import dev.spool.internal.json.Json;

/** Checks and encodes the values a status stores, the same way for handlers and for users. */
public final class StatusFields {
  public static final String PROGRESS = "pg";
  public static final String ERRORS = "er";
  public static final String DATA = "da";
  public static final String JOB_NAME = "jn";
  public static final String JOB_ARGS = "ja";
  public static final String PROVIDER_JOB_ID = "pj";

  private StatusFields() {}

  public static String progress(double fraction) {
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException("progress must be in [0, 1], got " + fraction);
    }
    return Double.toString(fraction);
  }

  public static String progress(long done, long total) {
    if (total <= 0 || done < 0 || done > total) {
      throw new IllegalArgumentException(
          "progress must be n of m with 0 <= n <= m and m > 0, got " + done + " of " + total);
    }
    return Double.toString((double) done / total);
  }

  /**
   * Writes a value as JSON, or fails before anything is written. What is read back later equals
   * this JSON parsed again.
   */
  public static String json(Object value, String what) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new SpoolException(
          what
              + " cannot be written as JSON ("
              + (value == null ? "null" : value.getClass().getName())
              + "): "
              + e.getOriginalMessage(),
          e);
    }
  }
}
