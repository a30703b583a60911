package dev.spool.testkit;

import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.RunLaterException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One job that {@link InlineJobs} or {@link FakeJobs#drain()} ran through its handler, all attempts
 * included: how it ended and what the handler recorded on its {@link JobContext}.
 */
public final class JobRun {
  private final JobId id;
  private final String type;
  private final Object args;
  private final Instant enqueuedAt;
  private final int attempts;
  private final Throwable failure;
  private final Map<String, Object> values;
  private final Double progress;
  private final List<Object> errors;
  private final Object data;
  private final List<String> log;
  private final RunLaterException postponed;

  JobRun(
      JobId id,
      String type,
      Object args,
      Instant enqueuedAt,
      int attempts,
      Throwable failure,
      Map<String, Object> values,
      Double progress,
      List<Object> errors,
      Object data,
      List<String> log,
      RunLaterException postponed) {
    this.id = id;
    this.type = type;
    this.args = args;
    this.enqueuedAt = enqueuedAt;
    this.attempts = attempts;
    this.failure = failure;
    this.values = values;
    this.progress = progress;
    this.errors = errors;
    this.data = data;
    this.log = log;
    this.postponed = postponed;
  }

  public JobId id() {
    return id;
  }

  /** The stored name of the job's type. */
  public String type() {
    return type;
  }

  /** True if the run is of this job type (by name). */
  public boolean is(JobType<?> type) {
    return this.type.equals(type.name());
  }

  /** The arguments the handler got (read back from their JSON, as a worker would). */
  public Object args() {
    return args;
  }

  /** The arguments, typed. */
  public <A> A args(JobType<A> type) {
    return type.argsType().cast(args);
  }

  public Instant enqueuedAt() {
    return enqueuedAt;
  }

  /** How many times the handler ran: 1 if the first attempt succeeded. */
  public int attempts() {
    return attempts;
  }

  /** True if the last attempt returned normally. */
  public boolean succeeded() {
    return failure == null && postponed == null;
  }

  /**
   * How long the handler asked to wait when it threw {@link RunLaterException}: the run ended there
   * (neither succeeded nor failed), as a worker would end it and run the job again after the delay.
   * Empty when it did not postpone.
   */
  public Optional<Duration> postponedBy() {
    return postponed == null ? Optional.empty() : Optional.of(postponed.delay());
  }

  /** What the handler threw on its last attempt, if it failed. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * What the last attempt {@link JobContext#put put}, in insertion order: the job's result on a
   * real worker.
   */
  public Map<String, Object> values() {
    return values;
  }

  /** The last {@link JobContext#progress progress} recorded, as a fraction, over all attempts. */
  public OptionalDouble progress() {
    return progress == null ? OptionalDouble.empty() : OptionalDouble.of(progress);
  }

  /**
   * What the handler passed to {@link JobContext#addError}, over all attempts, as JSON values
   * (maps, lists, strings, numbers, booleans).
   */
  public List<Object> errors() {
    return errors;
  }

  /** What the handler {@link JobContext#log logged}, over all attempts, oldest first. */
  public List<String> log() {
    return log;
  }

  /** What the handler last {@link JobContext#save saved}, as a JSON value. */
  public Optional<Object> data() {
    return Optional.ofNullable(data);
  }

  @Override
  public String toString() {
    return type
        + " "
        + id
        + (failure != null
            ? " failed (" + failure + ")"
            : postponed != null ? " postponed by " + postponed.delay() : " succeeded")
        + " after "
        + attempts
        + (attempts == 1 ? " attempt" : " attempts");
  }
}
