package dev.spool.dashboard;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The query parameters of a request (or the fields of a JSON body), checked as they are read. */
final class Params {
  /** Unknown parameters one message names at most. */
  private static final int MAX_NAMED = 5;

  private final Map<String, List<String>> values;

  Params(Map<String, List<String>> values) {
    this.values = values;
  }

  static Params ofQuery(String rawQuery) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return new Params(values);
  }

  static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("malformed URL encoding: " + e.getMessage());
    }
  }

  /**
   * These parameters, checked against what an endpoint takes: one it does not take is a 400 naming
   * it, never ignored (a misspelt or unsupported filter such as {@code batch=} answered every job).
   *
   * @param endpoint the endpoint as the message names it, e.g. {@code api/jobs}
   */
  Params takes(String endpoint, List<String> known) {
    List<String> unknown = values.keySet().stream().filter(n -> !known.contains(n)).toList();
    if (unknown.isEmpty()) {
      return this;
    }
    List<String> named = unknown.stream().limit(MAX_NAMED).map(n -> "'" + clip(n) + "'").toList();
    throw ApiException.badRequest(
        (unknown.size() == 1 ? "unknown parameter " : "unknown parameters ")
            + String.join(", ", named)
            + (unknown.size() > MAX_NAMED ? " and " + (unknown.size() - MAX_NAMED) + " more" : "")
            + ": "
            + endpoint
            + (known.isEmpty() ? " takes none" : " takes " + String.join(", ", known)));
  }

  /** The value, or null if absent or blank. */
  String string(String name) {
    List<String> v = values.get(name);
    if (v == null || v.isEmpty() || v.getFirst().isBlank()) {
      return null;
    }
    return v.getFirst().strip();
  }

  /** Every value, repeated or comma-separated, blanks dropped. */
  List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (String v : values.getOrDefault(name, List.of())) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  int integer(String name, int defaultValue, int min, int max) {
    String v = string(name);
    if (v == null) {
      return defaultValue;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a whole number, got '" + clip(v) + "'");
    }
    if (n < min || n > max) {
      throw ApiException.badRequest(name + " must be in [" + min + ", " + max + "], got " + n);
    }
    return n;
  }

  /** "true" or "false", or the default when absent. */
  boolean bool(String name, boolean defaultValue) {
    String v = string(name);
    if (v == null) {
      return defaultValue;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw ApiException.badRequest(name + " must be true or false, got '" + clip(v) + "'");
    };
  }

  Instant instant(String name) {
    String v = string(name);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          name + " must be an ISO-8601 instant like 2026-11-29T08:00:00Z, got '" + clip(v) + "'");
    }
  }

  /** A value shortened for an error message. */
  static String clip(String v) {
    return Clipping.clip(v, 80);
  }
}
