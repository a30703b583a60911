package dev.spool.testkit;

import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A job that {@link FakeJobs} recorded instead of queueing it.
 *
 * @param id its id, {@code queue:n}
 * @param jobType the job type it was enqueued with
 * @param args its arguments as read back from their JSON (a copy, never the caller's object)
 * @param json its arguments as a real Spool would store them
 * @param options the options it was enqueued with ({@link JobOptions#NONE} if none)
 * @param enqueuedAt when, by the {@link FakeJobs#clock clock}
 * @param retry the retry policy it runs with: its options', else its type's, else the {@link
 *     FakeJobs#defaultRetry default}
 */
public record EnqueuedJob(
    JobId id,
    JobType<?> jobType,
    Object args,
    String json,
    JobOptions options,
    Instant enqueuedAt,
    Retry retry) {
  /** A job whose retry policy is its options', else its type's, else {@link Retry#DEFAULT}. */
  public EnqueuedJob(
      JobId id,
      JobType<?> jobType,
      Object args,
      String json,
      JobOptions options,
      Instant enqueuedAt) {
    this(id, jobType, args, json, options, enqueuedAt, options.retry().orElse(jobType.retry()));
  }

  /** The stored name of its type. */
  public String type() {
    return jobType.name();
  }

  /** True if it is of this job type (by name, as workers find handlers). */
  public boolean is(JobType<?> type) {
    return jobType.name().equals(type.name());
  }

  /** The arguments, typed: read again from the JSON into this type's arguments class. */
  public <A> A args(JobType<A> type) {
    return Args.read(type, json);
  }

  public String queue() {
    return id.queue();
  }

  public int priority() {
    return options.priority();
  }

  /** The delay it was enqueued with, if any. */
  public Optional<Duration> delay() {
    return options.delay();
  }

  /** When it would run on a real Spool: {@code runAt}, or {@code enqueuedAt + delay}, or now. */
  public Instant dueAt() {
    return options.runAt().orElseGet(() -> enqueuedAt.plus(options.delay().orElse(Duration.ZERO)));
  }

  @Override
  public String toString() {
    List<String> notes = new ArrayList<>();
    options.delay().ifPresent(d -> notes.add("delay " + d));
    options.runAt().ifPresent(t -> notes.add("runAt " + t));
    if (options.priority() != 0) {
      notes.add("priority " + options.priority());
    }
    options.retry().ifPresent(r -> notes.add("retry " + r.attempts() + " attempts"));
    options.timeout().ifPresent(t -> notes.add("timeout " + t));
    options.unique().ifPresent(u -> notes.add("unique"));
    return id + " " + jobType.name() + " " + json + (notes.isEmpty() ? "" : " " + notes);
  }
}
