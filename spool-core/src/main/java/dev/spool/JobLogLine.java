package dev.spool;

import java.time.Instant;
import java.util.Objects;

/**
 * A line a handler added to its job's log with {@link JobContext#log(String)}, as BullMQ's {@code
 * job.log} and JobRunr's dashboard logger keep them: shown on the job's page in the dashboard and
 * by {@code spool status}, and read with {@link JobStatus#log()}.
 *
 * @param at when the handler added it, on its node's clock
 * @param attempt the attempt that added it (0 for the first)
 * @param message the text, at most {@link #MAX_LENGTH} characters
 */
public record JobLogLine(Instant at, int attempt, String message) {
  /** Lines a job keeps: adding one more drops the oldest. */
  public static final int MAX_LINES = 1_000;

  /** Characters a line keeps: a longer message is cut, ending with "…". */
  public static final int MAX_LENGTH = 2_000;

  public JobLogLine {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(message, "message");
  }
}
