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
  private final String queue;
  private final Retry retry;
  private final Duration timeout;

  private JobType(String name, Class<A> argsType, String queue, Retry retry, Duration timeout) {
    this.name = name;
    this.argsType = argsType;
    this.queue = queue;
    this.retry = retry;
    this.timeout = timeout;
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
        name, Objects.requireNonNull(argsType, "argsType"), Queues.DEFAULT, Retry.DEFAULT, null);
  }

  public JobType<A> withQueue(String queue) {
    return new JobType<>(name, argsType, Queues.validate(queue), retry, timeout);
  }

  public JobType<A> withRetry(Retry retry) {
    return new JobType<>(name, argsType, queue, Objects.requireNonNull(retry, "retry"), timeout);
  }

  /** Each attempt is interrupted and fails once it has run this long. */
  public JobType<A> withTimeout(Duration timeout) {
    return new JobType<>(name, argsType, queue, retry, JobOptions.positive(timeout, "timeout"));
  }

  public String name() {
    return name;
  }

  public Class<A> argsType() {
    return argsType;
  }

  public String queue() {
    return queue;
  }

  public Retry retry() {
    return retry;
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  @Override
  public String toString() {
    return "JobType[" + name + " on " + queue + "]";
  }
}
