package dev.spool.internal.redis;

import dev.spool.RedisOutOfMemoryException;
import dev.spool.SpoolConnectionException;
import io.lettuce.core.RedisCommandExecutionException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a failure of Redis as a whole from a refusal of one call. A loop over queues (fetching,
 * staging) backs off entirely for the first, since every queue would fail alike; for the second it
 * sets the one queue aside for a while and goes on with the others, so that one queue's garbage
 * holds up no other queue.
 */
public final class FailureScope {
  /** How long a queue (or a recurring tick) whose call was refused is set aside. */
  public static final long RETRY_REFUSED_MS = 5_000;

  /** Error codes of Redis's own state, which every call meets alike. */
  private static final Set<String> REDIS_WIDE =
      Set.of(
          "LOADING",
          "BUSY",
          "READONLY",
          "MASTERDOWN",
          "MISCONF",
          "NOREPLICAS",
          "OOM",
          "CLUSTERDOWN",
          "TRYAGAIN");

  /**
   * Redis 6.2 wraps an error met inside a script: "ERR Error running script … @user_script:9:
   * READONLY …".
   */
  private static final Pattern IN_SCRIPT = Pattern.compile("@user_script:\\d+: (\\S+)");

  private FailureScope() {}

  /**
   * Whether every call would fail alike: Redis unreachable, too slow or out of memory, an error of
   * its own state (loading, busy, read-only, …, also as met inside a script), or the caller
   * interrupted. A key of another type, an error a script raised on what it read, and a failure on
   * this side are the call's own.
   */
  public static boolean wholeRedis(RuntimeException e) {
    if (e instanceof SpoolConnectionException || e instanceof RedisOutOfMemoryException) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
      if (t instanceof RedisCommandExecutionException) {
        return REDIS_WIDE.contains(code(t.getMessage() == null ? "" : t.getMessage()));
      }
    }
    return false;
  }

  /**
   * The code of an error reply by which Redis refuses every call for a while, PING included: BUSY
   * (a script runs past its time limit) or LOADING (it loads its data after a restart); else null.
   * {@code failure} is the exception, or its message or text as a caller logs it (the reply's own
   * words then tell it).
   */
  static String refusesEveryCall(Object failure) {
    if (failure instanceof Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof RedisCommandExecutionException) {
          String code = code(t.getMessage() == null ? "" : t.getMessage());
          return code.equals("BUSY") || code.equals("LOADING") ? code : null;
        }
      }
      return null;
    }
    String text = String.valueOf(failure);
    if (text.contains("BUSY Redis is busy")) {
      return "BUSY";
    }
    return text.contains("LOADING Redis is loading") ? "LOADING" : null;
  }

  /** The error's code: its first word, or for an error met inside a script, that error's. */
  static String code(String message) {
    Matcher inScript = IN_SCRIPT.matcher(message);
    if (message.startsWith("ERR") && inScript.find()) {
      return inScript.group(1);
    }
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }
}
