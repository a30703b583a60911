package dev.spool;

import java.util.Optional;

/**
 * The status of every job: kept up to date by the engine for Spool jobs, and usable on its own for
 * work run by anything else (jobba's API). Query with {@link #where(State...)} and friends.
 */
public interface Statuses {
  /** A new status, unqueued, in the default queue's key space. */
  JobStatus create();

  /** A new status, unqueued, in this queue's key space. */
  JobStatus create(String queue);

  /** The status, or empty if there is none (never created, deleted, or past its retention). */
  Optional<JobStatus> find(JobId id);

  /** The status, or one in the {@link State#UNKNOWN} state if there is none. */
  JobStatus findOrUnknown(JobId id);

  /**
   * At most {@code maxLines} lines of a job's log from a position (see {@link JobLogPage}), read
   * without loading its status: a page following a running job asks from the last answer's {@link
   * JobLogPage#next()} and gets only the lines added since. A job with no log, or no status, has an
   * empty one.
   *
   * @param from a position, 0 or more; one before the oldest line kept reads from that line
   * @param maxLines 1 to {@link JobLogLine#MAX_LINES}
   */
  JobLogPage log(JobId id, long from, int maxLines);

  /** The newest {@code maxLines} lines of a job's log, 1 to {@link JobLogLine#MAX_LINES}. */
  JobLogPage logTail(JobId id, int maxLines);

  /** Every status, newest first; chain clauses to narrow it. */
  StatusQuery all();

  /** Statuses in any of these states or groups. */
  default StatusQuery where(State... states) {
    return all().where(states);
  }

  default StatusQuery jobName(String... names) {
    return all().jobName(names);
  }

  default StatusQuery jobArg(String... values) {
    return all().jobArg(values);
  }

  default StatusQuery queue(String queue) {
    return all().queue(queue);
  }
}
