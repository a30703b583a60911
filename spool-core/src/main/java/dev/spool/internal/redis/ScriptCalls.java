package dev.spool.internal.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A way to send a script call that must outlive a failover (see {@link
 * RedisConnection#evalReplicated}): on the shared connection, which pipelines every caller's calls
 * ({@link RedisConnection#shared}), on the caller's thread for a call it awaits at once ({@link
 * RedisConnection#awaitedAtOnce}), or in a {@link CallerPipeline}.
 */
public interface ScriptCalls {
  /** Runs a script by SHA (its source on NOSCRIPT); completes with its answer. */
  <T> CompletableFuture<T> eval(
      Script script, ScriptOutputType output, String[] keys, String... args);

  /**
   * Reads answers until {@code answer} (a call's, or one that completes with it) is done, where the
   * caller's thread reads them ({@link CallerPipeline}); elsewhere they come by themselves.
   */
  default void readUntil(Future<?> answer) {}
}
