package dev.spool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often a failing job runs and how long it waits in between: {@code attempts} runs in all (the
 * first included), waiting {@code firstDelay × multiplier^(n-1)} before retry n, each delay spread
 * by ± {@code jitter} (a fraction) so that many failing jobs do not retry in lockstep.
 *
 * <p>Defaults to {@link #DEFAULT}: 8 attempts, 1 s, doubling, 20 % jitter: 7 delays of 1, 2, 4 … 64
 * s, about 2 minutes (127 s ± 20 %) from the first failure to the last attempt.
 *
 * <p>A failure no retry can mend ends the job at once, whatever attempts are left: a handler that
 * throws {@link UnrecoverableJobException}, or an exception of a class named in {@code noRetryFor}
 * ({@link #withNoRetryFor}) or a subclass of one. The classes are kept by name, with the job, so a
 * node matches them whichever classes it has loaded.
 *
 * @param noRetryFor binary names of the exception classes whose failures are final ({@link
 *     Class#getName()}), kept sorted; empty for none
 */
public record Retry(
    int attempts, Duration firstDelay, double multiplier, double jitter, List<String> noRetryFor) {
  /** Longest wait between two attempts, whatever the policy says. */
  public static final Duration MAX_DELAY = Duration.ofDays(7);

  /** The policy of job types that name none. */
  public static final Retry DEFAULT = new Retry(8, Duration.ofSeconds(1), 2.0, 0.2);

  public Retry {
    Objects.requireNonNull(firstDelay, "firstDelay");
    // Sorted and without repeats, so that two policies naming the same classes are equal and
    // stored alike; a null (in a stored policy written by hand) names no class.
    noRetryFor =
        noRetryFor == null
            ? List.of()
            : noRetryFor.stream().filter(Objects::nonNull).distinct().sorted().toList();
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    if (firstDelay.isNegative()) {
      throw new IllegalArgumentException("firstDelay must not be negative, got " + firstDelay);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be 1.0 or more, got " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
  }

  /** A policy that retries every failure but those of {@link UnrecoverableJobException}. */
  public Retry(int attempts, Duration firstDelay, double multiplier, double jitter) {
    this(attempts, firstDelay, multiplier, jitter, List.of());
  }

  /** Exponential backoff with 20 % jitter. */
  public static Retry exponential(int attempts, Duration firstDelay, double multiplier) {
    return new Retry(attempts, firstDelay, multiplier, 0.2);
  }

  /** Retries at a fixed interval, without jitter. */
  public static Retry fixed(int attempts, Duration delay) {
    return new Retry(attempts, delay, 1.0, 0.0);
  }

  /** One attempt: a failure is final. */
  public static Retry none() {
    return new Retry(1, Duration.ZERO, 1.0, 0.0);
  }

  /** The same policy with another jitter fraction. */
  public Retry withJitter(double jitter) {
    return new Retry(attempts, firstDelay, multiplier, jitter, noRetryFor);
  }

  /**
   * The same policy, under which a failure with an exception of one of these classes (or of a
   * subclass) is final: the job goes to the dead set at once, as Spring Retry's {@code noRetryFor}
   * and BullMQ's {@code UnrecoverableError} do. Adds to the classes named before.
   */
  @SafeVarargs
  public final Retry withNoRetryFor(Class<? extends Throwable>... exceptions) {
    List<String> names = new ArrayList<>(noRetryFor);
    for (Class<? extends Throwable> e : exceptions) {
      names.add(Objects.requireNonNull(e, "exception class").getName());
    }
    return new Retry(attempts, firstDelay, multiplier, jitter, names);
  }

  /**
   * Whether a failure with {@code error} may be retried (attempts left permitting): false for an
   * {@link UnrecoverableJobException} and for the classes of {@link #noRetryFor}, matched by name
   * along the error's class and its superclasses.
   */
  public boolean retries(Throwable error) {
    if (error instanceof UnrecoverableJobException) {
      return false;
    }
    if (noRetryFor.isEmpty() || error == null) {
      return true;
    }
    for (Class<?> c = error.getClass(); c != null; c = c.getSuperclass()) {
      if (noRetryFor.contains(c.getName())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The wait before retry {@code retry} (1 for the first retry), jitter applied.
   *
   * @throws IllegalArgumentException if {@code retry < 1}
   */
  public Duration delayBefore(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
    }
    double millis = firstDelayMillis() * Math.pow(multiplier, retry - 1);
    if (jitter > 0) {
      millis *= 1.0 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    }
    long capped = (long) Math.min(millis, MAX_DELAY.toMillis());
    return Duration.ofMillis(Math.max(0, capped));
  }

  /**
   * The first delay in ms, no more than {@link #MAX_DELAY} (which every delay is capped at): a
   * longer one, up to {@code Duration}'s largest, must not overflow a long on its way.
   */
  public long firstDelayMillis() {
    return (firstDelay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : firstDelay).toMillis();
  }
}
