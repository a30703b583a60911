package dev.spool;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a running handler knows about its job, and where it leaves values for later steps. */
public interface JobContext {
  JobId id();

  /** The stored name of the job's type. */
  String type();

  /** Zero-based: 0 on the first run, 1 on the first retry or recovery, … */
  int attempt();

  /** The name of the worker node running the job. */
  String node();

  /** When the job was enqueued (µs precision). */
  Instant enqueuedAt();

  /**
   * Records progress as a fraction in [0, 1] on the job's status, in Redis at once.
   *
   * @throws SpoolConnectionException if Redis is away or does not answer: uncaught, it fails the
   *     attempt (docs/statuses.md)
   */
  void progress(double fraction);

  /**
   * Records progress as n of m on the job's status, in Redis at once.
   *
   * @throws SpoolConnectionException as {@link #progress(double)}
   */
  void progress(long done, long total);

  /** Appends an error (anything JSON can hold) to the job's status. */
  void addError(Object error);

  /** Saves job-specific data (anything JSON can hold) on the job's status. */
  void save(Object data);

  /**
   * Adds a line to the job's log, kept beside its status for as long as it (BullMQ's {@code
   * job.log}): shown on the job's page in the dashboard and by {@code spool status}, read with
   * {@link JobStatus#log()}. Each line carries its time and attempt. A job keeps its newest {@link
   * JobLogLine#MAX_LINES} lines of at most {@link JobLogLine#MAX_LENGTH} characters. One Redis call
   * a line, in Redis at once: log milestones, not every record (that is what the SLF4J MDC of the
   * handler's thread is for, docs/observability.md).
   *
   * <p>A default method, so that contexts written before it (a test's own fake, a decorator) still
   * compile; theirs say they keep no log until they implement it.
   *
   * @throws SpoolConnectionException as {@link #progress(double)}
   */
  default void log(String message) {
    throw new UnsupportedOperationException(
        getClass().getName() + " keeps no job log: implement JobContext.log(String)");
  }

  /**
   * True once a kill of this job was requested. The handler's thread is also interrupted then; a
   * handler that returns or throws after a kill request ends the job as killed, not retried.
   */
  boolean isKillRequested();

  /** The job's status, freshly loaded. */
  JobStatus status();

  /**
   * Keeps a value under a key for the rest of this run; on success the values become the job's
   * result (see {@link JobStatus#result()}).
   */
  void put(String key, Object value);

  Optional<Object> get(String key);

  /** Everything {@link #put} so far, in insertion order. */
  Map<String, Object> values();
}
