package dev.spool;

import java.util.List;
import java.util.SortedMap;

/**
 * {@link Batch.Builder#submit()} recorded the batch but could not enqueue all its parts (Redis
 * refused or failed to answer midway). Indexes are those of the parts in the order they were added.
 * Parts certainly not enqueued ({@link #notEnqueued()}) have been reported to the batch as failed
 * parts, so the batch still completes and its callbacks run once the enqueued parts end. Parts that
 * may have been enqueued ({@link #maybeEnqueued()}) are left open: if they were, they run and end
 * as usual; if not, the batch waits for them until its keys expire ({@link Batch#DEFAULT_TTL}).
 * Unique parts that met a held lock ({@link #rejected()}) count as failed parts, as at any submit.
 */
public class BatchSubmitException extends PartialEnqueueException {
  private final transient Batch batch;

  public BatchSubmitException(
      String message,
      Batch batch,
      SortedMap<Integer, JobId> enqueued,
      List<Integer> notEnqueued,
      List<Integer> maybeEnqueued,
      List<Integer> rejected,
      Throwable cause) {
    super(message, enqueued, notEnqueued, maybeEnqueued, rejected, cause);
    this.batch = batch;
  }

  /** The batch as recorded, to follow its progress or stop it. */
  public Batch batch() {
    return batch;
  }
}
