package dev.spool;

import java.util.List;
import java.util.SortedMap;

/**
 * {@link Batch.Builder#submit()} recorded the batch but could not enqueue all its parts (Redis
 * refused or failed to answer midway). Indexes are those of the parts in the order they were added.
 *
 * <p>The batch is still made to complete, with every part that will not run counted as a failed
 * part: those certainly not enqueued ({@link #notEnqueued()}), those rejected by a held unique lock
 * ({@link #rejected()}), and those whose enqueue got no answer ({@link #maybeEnqueued()}) but that
 * Redis did not enqueue ({@link #foundNotEnqueued()}: such a part is fenced off, so the call makes
 * no job for it should it still reach Redis). The ones found enqueued run and count as usual.
 *
 * <p>The submit does this before it throws, unless Redis fails for that too (it is down): then
 * {@link #countedAsFailed()} is false, and {@link #countNotEnqueued()} does it once Redis is back —
 * until then the batch waits for those parts, until its keys expire ({@link Batch#DEFAULT_TTL}).
 */
public class BatchSubmitException extends PartialEnqueueException {
  private final transient Batch batch;
  private final transient BatchSubmitRecovery recovery;

  BatchSubmitException(
      String message,
      Batch batch,
      SortedMap<Integer, JobId> enqueued,
      List<Integer> notEnqueued,
      List<Integer> maybeEnqueued,
      List<Integer> rejected,
      BatchSubmitRecovery recovery,
      Throwable cause) {
    super(message, enqueued, notEnqueued, maybeEnqueued, rejected, cause);
    this.batch = batch;
    this.recovery = recovery;
  }

  /**
   * Whether every part that will not run is counted as a failed part of the batch: the parts {@link
   * #notEnqueued()} and {@link #rejected()}, and the parts of {@link #maybeEnqueued()} found not
   * enqueued. False when Redis failed for that too: then call {@link #countNotEnqueued()} once it
   * is back.
   */
  public boolean countedAsFailed() {
    return recovery.counted() && recovery.settled();
  }

  /**
   * Of the parts {@link #maybeEnqueued()}, those Redis did not enqueue: counted as failed parts,
   * and fenced off so that no job is made for them later. Empty until they are settled ({@link
   * #countedAsFailed()}).
   */
  public List<Integer> foundNotEnqueued() {
    return recovery.foundNotEnqueued();
  }

  /**
   * Counts the parts that will not run as failed parts of the batch, if {@link #countedAsFailed()}
   * is false: call it once Redis is back. Calling it again changes nothing.
   *
   * @throws SpoolException if Redis fails again
   */
  public void countNotEnqueued() {
    recovery.run();
  }

  /** The batch as recorded, to follow its progress or stop it. */
  public Batch batch() {
    return batch;
  }
}
