package dev.spool.testkit;

import dev.spool.JobId;
import dev.spool.SpoolException;

/**
 * A job run by {@link InlineJobs} or {@link FakeJobs#drain()} failed on its last attempt (in the
 * default {@link FailureMode#THROW}). The cause is the exception the handler threw last.
 */
public class JobFailedException extends SpoolException {
  private final transient JobRun run;

  public JobFailedException(JobRun run) {
    super(message(run), run.failure().orElse(null));
    this.run = run;
  }

  private static String message(JobRun run) {
    Throwable error = run.failure().orElse(null);
    return "job "
        + run.type()
        + " "
        + run.id()
        + " failed after "
        + run.attempts()
        + (run.attempts() == 1 ? " attempt" : " attempts")
        + (error == null ? "" : ": " + error);
  }

  /** The failed job: its id, arguments, attempts, and what the handler recorded. */
  public JobRun run() {
    return run;
  }

  public JobId jobId() {
    return run.id();
  }

  /** The stored name of the job's type. */
  public String type() {
    return run.type();
  }

  /**
   * How many times the handler ran: the retry policy's {@code attempts}, or fewer when a failure
   * was final ({@link dev.spool.UnrecoverableJobException}, {@link
   * dev.spool.Retry#withNoRetryFor}).
   */
  public int attempts() {
    return run.attempts();
  }
}
