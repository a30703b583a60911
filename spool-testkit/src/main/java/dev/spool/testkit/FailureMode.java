package dev.spool.testkit;

/**
 * What {@link InlineJobs} and {@link FakeJobs#drain()} do with a job whose last attempt failed.
 *
 * <p>Either way the failed run is kept in {@code runs()} and {@code failures()}.
 */
public enum FailureMode {
  /**
   * The default: throw a {@link JobFailedException} (a {@link dev.spool.SpoolException}) naming the
   * job, with the handler's last exception as its cause. From {@link InlineJobs} it comes out of
   * {@code enqueue}; from {@link FakeJobs} out of {@code drain}.
   */
  THROW,

  /**
   * Only record the failure: {@code enqueue} returns the job's id, {@code drain} goes on with the
   * next job, and the test reads the failure from {@code failures()}.
   */
  RECORD
}
