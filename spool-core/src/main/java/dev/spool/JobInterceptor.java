package dev.spool;

import java.util.Map;
import java.util.function.Supplier;

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
   * the headers stored at enqueue (empty if none).
   */
  default void aroundRun(JobEvent job, Map<String, String> headers, Attempt proceed)
      throws Exception {
    proceed.run();
  }

  /** The wrapped attempt. */
  @FunctionalInterface
  interface Attempt {
    void run() throws Exception;
  }
}
