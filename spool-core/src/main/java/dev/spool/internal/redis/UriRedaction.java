package dev.spool.internal.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps the user-info of a Redis URI (user name, password) out of every message, whatever the
 * password holds ({@code / @ : %}, spaces): what sits between {@code ://} and the last {@code @} is
 * user-info, and any text is scrubbed of it, raw or percent-decoded.
 */
public final class UriRedaction {
  private static final String HIDDEN = "***";

  // A scheme, then anything without a space up to the last '@' of that run: user-info.
  private static final Pattern CREDENTIALS =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s]*@");

  // Shorter secrets would hide digits of ports and numbers; the pattern above still applies.
  private static final int MIN_SECRET_LENGTH = 3;

  private final List<String> secrets;

  private UriRedaction(List<String> secrets) {
    this.secrets = secrets;
  }

  /** A redaction that knows the secrets of this URI, to scrub them from any text. */
  public static UriRedaction of(String uri) {
    List<String> secrets = new ArrayList<>();
    String userInfo = userInfo(uri);
    if (userInfo != null) {
      add(secrets, userInfo);
      for (String part : userInfo.split(":", -1)) {
        add(secrets, part);
      }
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        add(secrets, userInfo.substring(colon + 1)); // a password that holds ':' itself
      }
    }
    for (String s : List.copyOf(secrets)) {
      add(secrets, decoded(s));
    }
    secrets.sort((a, b) -> b.length() - a.length()); // longest first: no half-hidden secret
    return new UriRedaction(List.copyOf(secrets));
  }

  /** {@code redis://:secret@host:6379} → {@code redis://***@host:6379}; no user-info, as is. */
  public static String redact(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + HIDDEN + uri.substring(at);
  }

  /** The text without this URI's secrets, nor the user-info of any URI it shows. */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, HIDDEN);
    }
    return CREDENTIALS.matcher(out).replaceAll("$1" + HIDDEN + "@");
  }

  private static String userInfo(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    return scheme < 0 || at < scheme ? null : uri.substring(scheme + 3, at);
  }

  private static void add(List<String> secrets, String secret) {
    if (secret != null && secret.length() >= MIN_SECRET_LENGTH && !secrets.contains(secret)) {
      secrets.add(secret);
    }
  }

  private static String decoded(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
