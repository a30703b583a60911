package dev.spool;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Makes a job type (or one job) unique: while a job holds the lock of its type and unique
 * arguments, another job with the same ones is rejected, raises, or is rescheduled.
 *
 * <pre>{@code
 * JobType.of("send-email", SendEmail.class)
 *     .withUnique(Unique.untilExecuted().onConflict(OnConflict.REJECT)
 *         .ttl(Duration.ofMinutes(10)).args(a -> List.of(a.to())));
 * }</pre>
 *
 * <table>
 *   <caption>Locks and the conflict strategies they allow</caption>
 *   <tr><th>lock</th><th>taken when</th><th>released when</th><th>on conflict</th></tr>
 *   <tr><td>UNTIL_EXECUTING</td><td>the job is enqueued</td><td>the job starts</td>
 *       <td>REJECT (default), RAISE</td></tr>
 *   <tr><td>WHILE_EXECUTING</td><td>an attempt starts</td><td>the attempt ends</td>
 *       <td>REJECT (default), RESCHEDULE, RAISE</td></tr>
 *   <tr><td>UNTIL_EXECUTED</td><td>the job is enqueued</td>
 *       <td>the job succeeds, dies, is killed or cancelled</td><td>REJECT (default), RAISE</td></tr>
 * </table>
 *
 * <p>A lock belongs to the job that took it (a retry of that job keeps it) and expires at the job's
 * due time plus the lock's TTL, so a crash never leaves a lock behind for good. Locks are kept per
 * queue.
 *
 * @param <A> the arguments type, for {@link #args(Function)}
 */
public final class Unique<A> {
  /** When the lock is held. */
  public enum Lock {
    UNTIL_EXECUTING(EnumSet.of(OnConflict.REJECT, OnConflict.RAISE)),
    WHILE_EXECUTING(EnumSet.of(OnConflict.REJECT, OnConflict.RESCHEDULE, OnConflict.RAISE)),
    UNTIL_EXECUTED(EnumSet.of(OnConflict.REJECT, OnConflict.RAISE));

    private final Set<OnConflict> allowed;

    Lock(Set<OnConflict> allowed) {
      this.allowed = allowed;
    }

    /** The conflict strategies this lock allows. */
    public Set<OnConflict> allowed() {
      return EnumSet.copyOf(allowed);
    }
  }

  /** Defaults to 5 s: how much later a {@code RESCHEDULE}d job runs again. */
  public static final Duration DEFAULT_RESCHEDULE_DELAY = Duration.ofSeconds(5);

  private final Lock lock;
  private final OnConflict onConflict;
  private final Duration ttl;
  private final Duration rescheduleDelay;
  private final Function<? super A, ?> args;

  private Unique(
      Lock lock,
      OnConflict onConflict,
      Duration ttl,
      Duration rescheduleDelay,
      Function<? super A, ?> args) {
    this.lock = lock;
    this.onConflict = onConflict;
    this.ttl = ttl;
    this.rescheduleDelay = rescheduleDelay;
    this.args = args;
  }

  /** Locked from enqueue until the job starts. */
  public static <A> Unique<A> untilExecuting() {
    return new Unique<>(
        Lock.UNTIL_EXECUTING, OnConflict.REJECT, null, DEFAULT_RESCHEDULE_DELAY, null);
  }

  /** Locked while an attempt runs. */
  public static <A> Unique<A> whileExecuting() {
    return new Unique<>(
        Lock.WHILE_EXECUTING, OnConflict.REJECT, null, DEFAULT_RESCHEDULE_DELAY, null);
  }

  /** Locked from enqueue until the job succeeds, dies, is killed or cancelled. */
  public static <A> Unique<A> untilExecuted() {
    return new Unique<>(
        Lock.UNTIL_EXECUTED, OnConflict.REJECT, null, DEFAULT_RESCHEDULE_DELAY, null);
  }

  /**
   * What to do on a conflict; see the table above.
   *
   * @throws IllegalArgumentException if this lock does not allow the strategy
   */
  public Unique<A> onConflict(OnConflict onConflict) {
    Objects.requireNonNull(onConflict, "onConflict");
    if (!lock.allowed.contains(onConflict)) {
      throw new IllegalArgumentException(
          "on conflict "
              + onConflict
              + " does not go with lock "
              + lock
              + "; valid pairs: UNTIL_EXECUTING with REJECT or RAISE, WHILE_EXECUTING with REJECT,"
              + " RESCHEDULE or RAISE, UNTIL_EXECUTED with REJECT or RAISE");
    }
    return new Unique<>(lock, onConflict, ttl, rescheduleDelay, args);
  }

  /**
   * How long past the job's due time (or its start, for {@link Lock#WHILE_EXECUTING}) the lock
   * lives at most. Defaults to the Spool's {@link Spool.Builder#uniqueLockTtl}.
   */
  public Unique<A> ttl(Duration ttl) {
    return new Unique<>(lock, onConflict, JobOptions.positive(ttl, "ttl"), rescheduleDelay, args);
  }

  /** See {@link #DEFAULT_RESCHEDULE_DELAY}. */
  public Unique<A> rescheduleDelay(Duration delay) {
    return new Unique<>(lock, onConflict, ttl, JobOptions.positive(delay, "rescheduleDelay"), args);
  }

  /**
   * The part of the arguments that makes a job unique; all of them by default. The value is
   * compared as canonical JSON, so field order and number formatting do not matter.
   */
  public <B> Unique<B> args(Function<? super B, ?> uniqueArgs) {
    return new Unique<>(
        lock, onConflict, ttl, rescheduleDelay, Objects.requireNonNull(uniqueArgs, "uniqueArgs"));
  }

  public Lock lock() {
    return lock;
  }

  public OnConflict conflict() {
    return onConflict;
  }

  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  public Duration rescheduleDelay() {
    return rescheduleDelay;
  }

  /** The value that identifies a job for this lock: {@link #args(Function)} applied, or all. */
  @SuppressWarnings("unchecked")
  public Object uniqueArgs(Object jobArgs) {
    return args == null ? jobArgs : ((Function<Object, ?>) args).apply(jobArgs);
  }

  @Override
  public String toString() {
    return "Unique[" + lock + ", " + onConflict + (ttl == null ? "" : ", ttl " + ttl) + "]";
  }
}
