package dev.spool;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A kind of job: a stable stored name, the type its arguments are mapped to as JSON, and the
 * defaults of its jobs (queue, retry policy, timeout). Immutable; the {@code with…} methods return
 * copies.
 *
 * <pre>{@code
 * static final JobType<SendEmail> SEND_EMAIL =
 *     JobType.of("send-email", SendEmail.class).withQueue("mail");
 * }</pre>
 *
 * <p>The name is what Redis stores and what workers look handlers up by, never a class name:
 * renaming the Java class does not orphan queued jobs.
 *
 * @param <A> the arguments type, mapped to and from JSON by Jackson (records work as they are)
 */
public final class JobType<A> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");

  private final String name;
  private final Class<A> argsType;
  private final Defaults<A> defaults;

  /** The settings jobs of the type get unless their {@link JobOptions} say otherwise. */
  private record Defaults<A>(
      String queue, Retry retry, Duration timeout, Unique<? super A> unique) {}

  private JobType(String name, Class<A> argsType, Defaults<A> defaults) {
    this.name = name;
    this.argsType = argsType;
    this.defaults = defaults;
  }

  /**
   * A job type on the {@link Queues#DEFAULT default} queue with the {@link Retry#DEFAULT default}
   * retry policy and no timeout.
   *
   * @param name 1 to 200 letters, digits or {@code . _ : / -}
   */
  public static <A> JobType<A> of(String name, Class<A> argsType) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid job type name '" + name + "': use 1 to 200 letters, digits or . _ : / -");
    }
    return new JobType<>(
        name,
        Objects.requireNonNull(argsType, "argsType"),
        new Defaults<>(Queues.DEFAULT, Retry.DEFAULT, null, null));
  }

  public JobType<A> withQueue(String queue) {
    Defaults<A> d = defaults;
    return new JobType<>(
        name, argsType, new Defaults<>(Queues.validate(queue), d.retry, d.timeout, d.unique));
  }

  public JobType<A> withRetry(Retry retry) {
    Defaults<A> d = defaults;
    Objects.requireNonNull(retry, "retry");
    return new JobType<>(name, argsType, new Defaults<>(d.queue, retry, d.timeout, d.unique));
  }

  /** Each attempt is interrupted and fails once it has run this long. */
  public JobType<A> withTimeout(Duration timeout) {
    Defaults<A> d = defaults;
    JobOptions.positive(timeout, "timeout");
    return new JobType<>(name, argsType, new Defaults<>(d.queue, d.retry, timeout, d.unique));
  }

  /** Makes jobs of this type unique; see {@link Unique}. */
  public JobType<A> withUnique(Unique<? super A> unique) {
    Defaults<A> d = defaults;
    Objects.requireNonNull(unique, "unique");
    return new JobType<>(name, argsType, new Defaults<>(d.queue, d.retry, d.timeout, unique));
  }

  public String name() {
    return name;
  }

  public Class<A> argsType() {
    return argsType;
  }

  public String queue() {
    return defaults.queue;
  }

  public Retry retry() {
    return defaults.retry;
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(defaults.timeout);
  }

  public Optional<Unique<? super A>> unique() {
    return Optional.ofNullable(defaults.unique);
  }

  @Override
  public String toString() {
    return "JobType[" + name + " on " + defaults.queue + "]";
  }
}
