package dev.spool;

import java.util.List;
import java.util.SortedMap;

/**
 * {@link Batch.Builder#submit()} recorded the batch but could not enqueue all its parts (Redis
 * refused or failed to answer midway). Indexes are those of the parts in the order they were added.
 * Parts certainly not enqueued ({@link #notEnqueued()}) have been reported to the batch as failed
 * parts, so the batch still completes and its callbacks run once the enqueued parts end — unless
 * Redis failed for that report too ({@link #countedAsFailed()}): then {@link #countNotEnqueued()}
 * makes it once Redis is back. Parts that may have been enqueued ({@link #maybeEnqueued()}) are
 * left open: if they were, they run and end as usual; if not, the batch waits for them until its
 * keys expire ({@link Batch#DEFAULT_TTL}). Unique parts that met a held lock ({@link #rejected()})
 * count as failed parts, as at any submit.
 */
public class BatchSubmitException extends PartialEnqueueException {
  private final transient Batch batch;
  private final transient Runnable countNotEnqueued;
  private volatile boolean counted;

  /**
   * @param counted whether the parts not enqueued and the rejected ones were counted as failed
   *     parts; if not (Redis failed for that too), {@code countNotEnqueued} counts them
   */
  public BatchSubmitException(
      String message,
      Batch batch,
      SortedMap<Integer, JobId> enqueued,
      List<Integer> notEnqueued,
      List<Integer> maybeEnqueued,
      List<Integer> rejected,
      boolean counted,
      Runnable countNotEnqueued,
      Throwable cause) {
    super(message, enqueued, notEnqueued, maybeEnqueued, rejected, cause);
    this.batch = batch;
    this.counted = counted;
    this.countNotEnqueued = countNotEnqueued;
  }

  /**
   * Whether the parts {@link #notEnqueued()} and {@link #rejected()} are counted as failed parts of
   * the batch. False when Redis failed for that too (it was down): then {@link #countNotEnqueued()}
   * counts them once it is back, or the batch waits for them until its keys expire.
   */
  public boolean countedAsFailed() {
    return counted;
  }

  /**
   * Counts the parts {@link #notEnqueued()} and {@link #rejected()} as failed parts of the batch,
   * if {@link #countedAsFailed()} is false: call it once Redis is back. Counting them again changes
   * nothing.
   *
   * @throws SpoolException if Redis fails again
   */
  public void countNotEnqueued() {
    if (!counted) {
      countNotEnqueued.run();
      counted = true;
    }
  }

  /** The batch as recorded, to follow its progress or stop it. */
  public Batch batch() {
    return batch;
  }
}
