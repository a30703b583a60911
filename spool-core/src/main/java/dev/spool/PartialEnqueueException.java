package dev.spool;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A bulk enqueue (sent in several pipelined chunks) failed for some of its jobs while others were
 * queued. Says, by index in the argument list, which jobs were enqueued (with their ids), which
 * were certainly not, and which may have been (their chunk got no answer: see {@link
 * EnqueueOutcomeUnknownException}). The cause is the first chunk's failure.
 */
public class PartialEnqueueException extends SpoolException {
  private final SortedMap<Integer, JobId> enqueued;
  private final List<Integer> notEnqueued;
  private final List<Integer> maybeEnqueued;
  private final List<Integer> rejected;

  public PartialEnqueueException(
      String message,
      SortedMap<Integer, JobId> enqueued,
      List<Integer> notEnqueued,
      List<Integer> maybeEnqueued,
      Throwable cause) {
    this(message, enqueued, notEnqueued, maybeEnqueued, List.of(), cause);
  }

  /**
   * @param rejected indexes in {@code enqueued} of unique jobs that met a held lock
   */
  public PartialEnqueueException(
      String message,
      SortedMap<Integer, JobId> enqueued,
      List<Integer> notEnqueued,
      List<Integer> maybeEnqueued,
      List<Integer> rejected,
      Throwable cause) {
    super(message, cause);
    this.enqueued = Collections.unmodifiableSortedMap(new TreeMap<>(enqueued));
    this.notEnqueued = List.copyOf(notEnqueued);
    this.maybeEnqueued = List.copyOf(maybeEnqueued);
    this.rejected = List.copyOf(rejected);
  }

  /**
   * The jobs that were handled, by index: their new ids (for a unique job that met a held lock, the
   * id of the holder, as {@link Spool#enqueueAll} returns).
   */
  public SortedMap<Integer, JobId> enqueued() {
    return enqueued;
  }

  /** Indexes of the jobs that were certainly not queued; enqueuing them again is safe. */
  public List<Integer> notEnqueued() {
    return notEnqueued;
  }

  /** Indexes of the jobs whose outcome is unknown: they may have been queued. */
  public List<Integer> maybeEnqueued() {
    return maybeEnqueued;
  }

  /**
   * Indexes, among {@link #enqueued()}, of the unique jobs that met a held lock: not queued, their
   * place holding the holder's id.
   */
  public List<Integer> rejected() {
    return rejected;
  }
}
