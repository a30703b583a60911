package dev.spool;

import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Wraps enqueues and job attempts, for tracing and logging context: registered with {@link
 * Spool.Builder#interceptor}. Interceptors nest in registration order (the first registered is the
 * outermost). Each must call {@code proceed} exactly once and return (or throw) what it gives.
 */
public interface JobInterceptor {
  /**
   * Runs around one enqueue call, on the enqueuing thread; {@link EnqueueCall#header} stores
   * headers with the call's jobs (set them before calling {@code proceed}). Recurring definitions
   * are not intercepted: their ticks are enqueued by worker nodes.
   */
  default <T> T aroundEnqueue(EnqueueCall call, Supplier<T> proceed) {
    return proceed.get();
  }

  /**
   * Runs around one attempt's handler and its callbacks or errbacks, on the handler's thread, with
   * the headers stored at enqueue (empty if none). An attempt that fails before its handler is
   * called (no handler for its type, arguments that cannot be read) runs it too: {@code proceed}
   * throws at once, saying why. An attempt the node takes from its handler (handed back at
   * shutdown, or abandoned when its lease was lost) makes {@code proceed} throw a {@link
   * java.util.concurrent.CancellationException} once the handler has ended.
   */
  default void aroundRun(JobEvent job, Map<String, String> headers, Attempt proceed)
      throws Exception {
    proceed.run();
  }

  /**
   * Runs on the thread that asks for a job's outcome ({@link Spool#outcome}); returns how to run
   * the completion of the future it gets, so that the stages the caller chains on it run in the
   * caller's context (its trace, say) rather than in that of Spool's pub/sub thread. Default: as it
   * is.
   */
  default UnaryOperator<Runnable> aroundOutcome(JobId id) {
    return UnaryOperator.identity();
  }

  /** The wrapped attempt. */
  @FunctionalInterface
  interface Attempt {
    void run() throws Exception;
  }
}
