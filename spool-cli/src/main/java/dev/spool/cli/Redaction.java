package dev.spool.cli;

import java.util.regex.Pattern;

/** Hides credentials in Redis URIs before anything is printed. */
final class Redaction {
  private static final Pattern CREDENTIALS = Pattern.compile("(rediss?://)[^@/\\s]*@");

  private Redaction() {}

  /** {@code redis://:secret@host:6379} → {@code redis://***@host:6379}, in any text. */
  static String redact(String text) {
    return text == null ? null : CREDENTIALS.matcher(text).replaceAll("$1***@");
  }
}
