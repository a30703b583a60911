package dev.spool;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
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
      String queue,
      Retry retry,
      Duration timeout,
      Unique<? super A> unique,
      ConcurrencyLimit<? super A> concurrencyLimit,
      RateLimit<? super A> rateLimit) {
    Defaults(String queue, Retry retry, Duration timeout, Unique<? super A> unique) {
      this(queue, retry, timeout, unique, null, null);
    }
  }

  private JobType(String name, Class<A> argsType, Defaults<A> defaults) {
    this.name = name;
    this.argsType = argsType;
    this.defaults = defaults;
  }

  /**
   * A job type on the {@link Queues#DEFAULT default} queue with the default retry policy (the
   * Spool's {@code defaultRetry}, {@link Retry#DEFAULT} unless set) and no timeout.
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
        new Defaults<>(Queues.DEFAULT, null, null, null));
  }

  public JobType<A> withQueue(String queue) {
    Defaults<A> d = defaults;
    return new JobType<>(
        name,
        argsType,
        new Defaults<>(
            Queues.validate(queue), d.retry, d.timeout, d.unique, d.concurrencyLimit, d.rateLimit));
  }

  public JobType<A> withRetry(Retry retry) {
    Defaults<A> d = defaults;
    Objects.requireNonNull(retry, "retry");
    return new JobType<>(
        name,
        argsType,
        new Defaults<>(d.queue, retry, d.timeout, d.unique, d.concurrencyLimit, d.rateLimit));
  }

  /** Each attempt is interrupted and fails once it has run this long. */
  public JobType<A> withTimeout(Duration timeout) {
    Defaults<A> d = defaults;
    JobOptions.positive(timeout, "timeout");
    return new JobType<>(
        name,
        argsType,
        new Defaults<>(d.queue, d.retry, timeout, d.unique, d.concurrencyLimit, d.rateLimit));
  }

  /** Makes jobs of this type unique; see {@link Unique}. */
  public JobType<A> withUnique(Unique<? super A> unique) {
    Defaults<A> d = defaults;
    Objects.requireNonNull(unique, "unique");
    return new JobType<>(
        name,
        argsType,
        new Defaults<>(d.queue, d.retry, d.timeout, unique, d.concurrencyLimit, d.rateLimit));
  }

  /**
   * At most {@code max} jobs of this type run at once, on all nodes together, in each queue its
   * jobs go to (the count lives with the queue, so that taking a slot is part of the fetch: jobs of
   * the type sent to two queues with {@code JobOptions.queue} may run {@code max} in each). A job
   * fetched over the limit waits, using no attempt, until one of the running ones ends (or its node
   * is found dead), then starts first. Replaces an earlier concurrency limit of the type.
   */
  public JobType<A> withConcurrencyLimit(int max) {
    return withConcurrency(new ConcurrencyLimit<A>(max, null));
  }

  /**
   * At most {@code max} jobs of this type with the same key run at once (per customer, say: {@code
   * withConcurrencyLimit(2, Sync::customer)}). The key's {@code toString()} names it.
   */
  public JobType<A> withConcurrencyLimit(int max, Function<? super A, ?> key) {
    return withConcurrency(ConcurrencyLimit.of(max, key));
  }

  private JobType<A> withConcurrency(ConcurrencyLimit<? super A> limit) {
    Defaults<A> d = defaults;
    return new JobType<>(
        name, argsType, new Defaults<>(d.queue, d.retry, d.timeout, d.unique, limit, d.rateLimit));
  }

  /**
   * At most {@code max} jobs of this type start in any window of {@code per}, on all nodes
   * together, in each queue its jobs go to (as {@link #withConcurrencyLimit}). A job over the limit
   * is scheduled for its turn (state scheduled, no attempt used), never retried or polled for.
   * Replaces an earlier rate limit of the type.
   */
  public JobType<A> withRateLimit(int max, Duration per) {
    return withRate(new RateLimit<A>(max, per, null));
  }

  /** As {@link #withRateLimit(int, Duration)}, per key of the arguments. */
  public JobType<A> withRateLimit(int max, Duration per, Function<? super A, ?> key) {
    return withRate(new RateLimit<A>(max, per, Objects.requireNonNull(key, "key")));
  }

  private JobType<A> withRate(RateLimit<? super A> limit) {
    Defaults<A> d = defaults;
    return new JobType<>(
        name,
        argsType,
        new Defaults<>(d.queue, d.retry, d.timeout, d.unique, d.concurrencyLimit, limit));
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

  /**
   * The retry policy of the type's jobs: the one it names ({@link #withRetry}), else {@link
   * Retry#DEFAULT}. A {@link Spool} built with {@code defaultRetry} gives jobs of a type that names
   * none its own default instead; see {@link #declaredRetry}.
   */
  public Retry retry() {
    return defaults.retry == null ? Retry.DEFAULT : defaults.retry;
  }

  /** The retry policy the type names with {@link #withRetry}; empty if it names none. */
  public Optional<Retry> declaredRetry() {
    return Optional.ofNullable(defaults.retry);
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(defaults.timeout);
  }

  public Optional<Unique<? super A>> unique() {
    return Optional.ofNullable(defaults.unique);
  }

  public Optional<ConcurrencyLimit<? super A>> concurrencyLimit() {
    return Optional.ofNullable(defaults.concurrencyLimit);
  }

  public Optional<RateLimit<? super A>> rateLimit() {
    return Optional.ofNullable(defaults.rateLimit);
  }

  /** The stored concurrency limit spec of a job with these arguments, or "" (for Spool's use). */
  public String concurrencySpec(A args) {
    return specOf(defaults.concurrencyLimit, args);
  }

  /** The stored rate limit spec of a job with these arguments, or "" (for Spool's use). */
  public String rateSpec(A args) {
    return specOf(defaults.rateLimit, args);
  }

  @SuppressWarnings("unchecked")
  private String specOf(Object limit, A args) {
    if (limit instanceof ConcurrencyLimit<?> c) {
      return ((ConcurrencyLimit<A>) c).spec(name, args);
    }
    if (limit instanceof RateLimit<?> r) {
      return ((RateLimit<A>) r).spec(name, args);
    }
    return "";
  }

  @Override
  public String toString() {
    return "JobType[" + name + " on " + defaults.queue + "]";
  }
}
