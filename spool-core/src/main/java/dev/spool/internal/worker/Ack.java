package dev.spool.internal.worker;

import dev.spool.internal.queue.Failure;

/** The outcome of a finished job, waiting to be written: success when {@code failure} is null. */
record Ack(RunningJob job, Failure failure) {
  /**
   * The batch part this outcome ends ({@code "<queue>|<token>|<part>"}), or null: a retry ends no
   * part, and a success of a part that opened a child batch leaves the part to the child.
   */
  String endedBatchPart() {
    String part = job.batchPart();
    if (part.isEmpty()) {
      return null;
    }
    if (failure == null) {
      return job.deferredToChildBatch() ? null : part;
    }
    return failure.dead() || failure.killed() ? part : null;
  }

  /** "<queue>|<token>" of {@link #endedBatchPart()}. */
  static String batchOf(String batchPart) {
    return batchPart.substring(0, batchPart.lastIndexOf('|'));
  }
}
