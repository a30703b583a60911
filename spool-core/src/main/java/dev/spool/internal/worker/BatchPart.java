package dev.spool.internal.worker;

/** What a running job tells a batch opened inside its handler (a child batch). */
public interface BatchPart {
  /** {@code "<queue>|<token>|<part>"} if the running job is a batch part, else "". */
  String batchPart();

  /** The job's part is done when its child batch finishes, not when its handler returns. */
  void deferToChildBatch();
}
