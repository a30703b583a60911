package dev.spool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Hides credentials in Redis URIs before anything is printed, whatever the password holds ({@code
 * / @ : %}, spaces): the user-info of every URI this process was given is remembered and scrubbed,
 * raw or percent-decoded, wherever it stands in a URI-looking run of text, and any URI-looking run
 * keeps nothing before its last {@code @}.
 */
final class Redaction {
  private static final String HIDDEN = "***";

  // A scheme, then anything without a space up to the last '@' of that run: user-info.
  private static final Pattern CREDENTIALS =
      // Not across brackets: "redis://[:password@]host" is a hint of the form, not a secret.
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s\\[\\]]*@");

  // Shorter secrets would hide digits of ports and numbers; the pattern above still applies.
  private static final int MIN_SECRET_LENGTH = 3;

  private static final Set<String> secrets = ConcurrentHashMap.newKeySet();

  private Redaction() {}

  /** Remembers the user-info of a Redis URI, so that no later message shows it. */
  static void remember(String uri) {
    if (uri == null) {
      return;
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return;
    }
    String userInfo = uri.substring(scheme + 3, at);
    add(userInfo);
    for (String part : userInfo.split(":", -1)) {
      add(part);
    }
    int colon = userInfo.indexOf(':');
    if (colon >= 0) {
      add(userInfo.substring(colon + 1)); // a password that holds ':' itself
    }
  }

  /** Forgets every remembered secret: for tests, whose JVM runs many commands. */
  static void forgetAll() {
    secrets.clear();
  }

  /** Remembers the value of every {@code --redis} among command-line arguments. */
  static void rememberArgs(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--redis") && i + 1 < args.length) {
        remember(args[i + 1]);
      } else if (args[i].startsWith("--redis=")) {
        remember(args[i].substring("--redis=".length()));
      }
    }
  }

  /** {@code redis://:secret@host:6379} → {@code redis://***@host:6379}, in any text. */
  static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    List<String> longestFirst =
        secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    for (String secret : longestFirst) {
      out = hideInUris(out, secret);
    }
    return CREDENTIALS.matcher(out).replaceAll("$1" + HIDDEN + "@");
  }

  /**
   * Hides each occurrence of {@code secret} that starts or ends in a run of text (between blanks)
   * that looks like a URI: it holds "://" or "@". The same word in prose stays: hiding "user" in
   * "wrong user name or password" would tell the reader that the user name is "user".
   */
  private static String hideInUris(String text, String secret) {
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    for (int at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length())) {
      int end = at + secret.length();
      if (inUriLikeRun(text, at) || inUriLikeRun(text, end - 1)) {
        out.append(text, from, at).append(HIDDEN);
        from = end;
      }
    }
    return from == 0 ? text : out.append(text, from, text.length()).toString();
  }

  private static boolean inUriLikeRun(String text, int index) {
    int start = index;
    while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
      start--;
    }
    int end = index;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
      end++;
    }
    String run = text.substring(start, end);
    return run.contains("://") || run.contains("@");
  }

  /** A stack trace, redacted, for {@code --verbose}. */
  static void printStackTrace(Throwable e, PrintWriter out) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    out.print(redact(trace.toString()));
  }

  private static void add(String secret) {
    if (secret.length() >= MIN_SECRET_LENGTH) {
      secrets.add(secret);
      try {
        String decoded = URLDecoder.decode(secret.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (decoded.length() >= MIN_SECRET_LENGTH) {
          secrets.add(decoded);
        }
      } catch (IllegalArgumentException e) {
        // not percent-encoded: the raw form is remembered already
      }
    }
  }
}
