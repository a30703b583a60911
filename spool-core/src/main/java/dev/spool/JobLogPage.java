package dev.spool;

import java.util.List;
import java.util.Objects;

/**
 * A stretch of a job's log, read with {@link Statuses#log(JobId, long, int)} or {@link
 * Statuses#logTail(JobId, int)}. Lines have positions: 0 for the first the job ever logged, and
 * each keeps its position when older ones are dropped (a log keeps {@link JobLogLine#MAX_LINES}).
 * To follow a running job's log, ask again from {@link #next()}: only the lines added since come
 * back.
 *
 * @param from the position of the first line here; greater than the one asked for when the lines in
 *     between were dropped, and smaller when the log was deleted and begun again
 * @param lines oldest first
 * @param added how many lines the job ever logged: the position the next line will have
 */
public record JobLogPage(long from, List<JobLogLine> lines, long added) {
  public JobLogPage {
    lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
  }

  /** The position to ask from for the lines after these. */
  public long next() {
    return from + lines.size();
  }

  /** Whether lines after these were left out for the page's size: ask again from {@link #next}. */
  public boolean hasMore() {
    return next() < added;
  }
}
