package dev.spool;

import java.util.Objects;

/**
 * One job of a bulk enqueue whose jobs each have their own type, arguments and options (due time,
 * priority, uniqueness, node…); see {@link JobClient#enqueueAll(java.util.List)}.
 *
 * <pre>{@code
 * spool.enqueueAll(List.of(
 *     JobSpec.of(SEND_EMAIL, new SendEmail("a@b.c", "now")),
 *     JobSpec.of(SEND_EMAIL, new SendEmail("d@e.f", "later"), JobOptions.builder()
 *         .delay(Duration.ofMinutes(5)).build())));
 * }</pre>
 *
 * @param type the job's type
 * @param args its arguments
 * @param options its own options ({@link JobOptions#NONE} for its type's settings)
 */
public record JobSpec<A>(JobType<A> type, A args, JobOptions options) {
  public JobSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(options, "options");
  }

  /** A job with its type's settings, ready at once. */
  public static <A> JobSpec<A> of(JobType<A> type, A args) {
    return new JobSpec<>(type, args, JobOptions.NONE);
  }

  /** A job with options of its own. */
  public static <A> JobSpec<A> of(JobType<A> type, A args, JobOptions options) {
    return new JobSpec<>(type, args, options);
  }
}
