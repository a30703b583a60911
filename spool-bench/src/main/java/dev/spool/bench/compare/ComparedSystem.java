package dev.spool.bench.compare;

import java.util.List;

/**
 * A job system under comparison: how to start its worker and enqueuer, and how to read its queue.
 */
interface ComparedSystem extends AutoCloseable {
  /** The name in JSON lines ("spool", "bullmq", "spool-variant"). */
  String id();

  /** The column heading (versions are in the header above the table). */
  String heading();

  /** Starts one worker process (concurrency as configured) against the comparison's Redis. */
  ChildProcess startWorker(Comparison c, String label);

  /** Whether a line of the worker's stdout says it is up and fetching. */
  boolean isReady(String stdoutLine);

  /** Starts an enqueuer process with the given mode arguments (as in enqueue.mjs). */
  ChildProcess startEnqueuer(Comparison c, String label, List<String> modeArgs);

  /**
   * How many jobs of the queue are finished (succeeded or removed after success) of those enqueued.
   */
  long finished(Comparison c, long enqueued);

  /** How many jobs wait in the queue, ready to be fetched. */
  long waiting(Comparison c);

  /** Problems with what is left in the queue after a run: jobs waiting, running, failed or dead. */
  List<String> leftovers(Comparison c);

  /** Checks what the worker said when it stopped (its last stdout lines), for a run of n jobs. */
  List<String> checkStopped(ChildProcess worker, boolean graceful, long handlerRunsExpected);

  @Override
  default void close() {}
}
