package dev.spool.internal.queue;

import dev.spool.JobId;
import java.util.List;

/**
 * A job a node has just leased, as stored. Fields may be null when the stored job is malformed
 * (written by hand or by another tool); the worker then sends it to the dead set.
 *
 * @param budgetStart the attempt from which the current retry budget counts (0 unless the job was
 *     retried by hand from the dead set)
 * @param recordedAtMicros when it was enqueued, µs since the epoch (0 if unknown)
 * @param lockHolder the job holding its while-executing lock, when its conflict strategy is to
 *     raise; "" when it may run
 */
public record FetchedJob(
    JobId id,
    String type,
    String args,
    int attempt,
    int budgetStart,
    String options,
    long recordedAtMicros,
    String lockHolder,
    String batchPart) {

  /**
   * One job of {@code fetch.lua}'s reply (its 9 entries). The script checks the numbers before it
   * leases a job; should one still not parse, this job alone is affected: a number that is not one
   * reads as 0 (the recorded time as unknown) and the job keeps its lease, so that the worker runs
   * or buries it like any other, while the rest of the batch is dispatched as usual.
   */
  static FetchedJob parse(String queue, List<Object> entries) {
    return new FetchedJob(
        new JobId(queue, number(entries.get(0))),
        text(entries.get(1)),
        text(entries.get(2)),
        (int) number(entries.get(3)),
        (int) number(entries.get(4)),
        text(entries.get(5)),
        number(entries.get(6)),
        text(entries.get(7)),
        text(entries.get(8)));
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private static long number(Object o) {
    if (o instanceof Long l) {
      return l;
    }
    try {
      return o == null ? 0 : Long.parseLong(o.toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
