package dev.spool.internal.redis;

/**
 * An idle worker's wait for new work: blocks until one of its queues' wake-up lists receives an
 * element (which the wait takes), or a bound passes. Opened by {@link
 * RedisConnection#openSignalWait}; one thread waits at a time.
 */
public interface SignalWait extends AutoCloseable {
  /**
   * Blocks until a wake-up list had an element, the bound given at open passes, or {@link
   * #unblock()} is called.
   *
   * @throws RuntimeException if Redis failed (the caller pauses before waiting again)
   */
  void await() throws InterruptedException;

  /** Ends a wait in progress, if any (from another thread). */
  void unblock();

  @Override
  void close();
}
