package dev.spool.internal.redis;

import dev.spool.RedisOutOfMemoryException;
import dev.spool.SpoolConnectionException;
import io.lettuce.core.RedisCommandExecutionException;

/**
 * Tells a failure of Redis as a whole from a refusal of one call. A loop over queues (fetching,
 * staging) backs off entirely for the first, since every queue would fail alike; for the second it
 * sets the one queue aside for a while and goes on with the others, so that one queue's garbage
 * holds up no other queue.
 */
public final class FailureScope {
  /** How long a queue (or a recurring tick) whose call was refused is set aside. */
  public static final long RETRY_REFUSED_MS = 5_000;

  private FailureScope() {}

  /**
   * Whether every call would fail alike: Redis unreachable, too slow or out of memory, an error
   * reply of its own state (loading, busy, read-only, …), or the caller interrupted. A key of
   * another type ({@code WRONGTYPE}) or an error raised by a script ({@code ERR …}, a Lua error on
   * what it read included) is the call's own, as is a failure on this side.
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
        String m = t.getMessage() == null ? "" : t.getMessage();
        return !m.startsWith("WRONGTYPE") && !m.startsWith("ERR");
      }
    }
    return false;
  }
}
