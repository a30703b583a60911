package dev.spool.internal.worker;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Tells a failed acknowledgement that may succeed when tried again (Redis away, slow, loading, out
 * of memory, failing over) from one that will fail again as is (a script error on a malformed job):
 * the first kind is retried while the lease is kept, the second only a few times.
 */
final class AckErrors {
  /** Error replies of a Redis that is busy or in transition, not of a bad job. */
  private static final List<String> TRANSIENT_REPLIES =
      List.of(
          "OOM",
          "BUSY",
          "LOADING",
          "READONLY",
          "MASTERDOWN",
          "TRYAGAIN",
          "CLUSTERDOWN",
          "MOVED",
          "ASK",
          "NOSCRIPT");

  private AckErrors() {}

  static boolean isTransient(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof RedisCommandExecutionException reply) {
      String message = reply.getMessage() == null ? "" : reply.getMessage();
      return TRANSIENT_REPLIES.stream().anyMatch(message::startsWith);
    }
    // Connection lost, timed out, not connected: Lettuce's exceptions, or on a caller-thread
    // socket the I/O failure itself (a reset or closed socket after the call was written).
    return e instanceof RedisException || e instanceof IOException;
  }
}
