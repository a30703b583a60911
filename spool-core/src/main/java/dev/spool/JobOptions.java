package dev.spool;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-job settings that override those of the {@link JobType}: when it runs, on which queue, with
 * which priority, retry policy and timeout.
 *
 * <pre>{@code
 * JobOptions.builder().delay(Duration.ofSeconds(20)).queue("mail").priority(5).build()
 * }</pre>
 */
public final class JobOptions {
  /** Highest and lowest priority; the default is 0, higher runs first. */
  public static final int MAX_PRIORITY = 1000;

  public static final int MIN_PRIORITY = -1000;

  /** No overrides: the job type's settings, ready at once. */
  public static final JobOptions NONE = builder().build();

  private final Duration delay;
  private final Instant runAt;
  private final String queue;
  private final int priority;
  private final Retry retry;
  private final Duration timeout;
  private final Unique<?> unique;
  private final String node;
  private final boolean strictNode;
  private final String notNode;
  private final Instant expiresAt;
  private final Duration ttl;

  private JobOptions(Builder b) {
    this.delay = b.delay;
    this.runAt = b.runAt;
    this.queue = b.queue;
    this.priority = b.priority;
    this.retry = b.retry;
    this.timeout = b.timeout;
    this.unique = b.unique;
    this.node = b.node;
    this.strictNode = b.strictNode;
    this.notNode = b.notNode;
    this.expiresAt = b.expiresAt;
    this.ttl = b.ttl;
  }

  /**
   * The instant after which the job is discarded if it has not started; see {@link
   * Builder#expiresAt}.
   */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /** How long the job may wait once due; see {@link Builder#ttl}. */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /** The node the job should run on; see {@link Builder#node}. */
  public Optional<String> node() {
    return Optional.ofNullable(node);
  }

  public boolean strictNode() {
    return strictNode;
  }

  /** The node the job must never run on. */
  public Optional<String> notNode() {
    return Optional.ofNullable(notNode);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<Duration> delay() {
    return Optional.ofNullable(delay);
  }

  public Optional<Instant> runAt() {
    return Optional.ofNullable(runAt);
  }

  public Optional<String> queue() {
    return Optional.ofNullable(queue);
  }

  public int priority() {
    return priority;
  }

  public Optional<Retry> retry() {
    return Optional.ofNullable(retry);
  }

  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Uniqueness of this job, instead of its type's. */
  public Optional<Unique<?>> unique() {
    return Optional.ofNullable(unique);
  }

  /**
   * The longest delay, timeout, expiry or other span Spool takes: 100 years. Spans are turned into
   * milliseconds, microseconds and nanoseconds (a {@code long} of nanoseconds ends at 292 years).
   */
  public static final Duration MAX_SPAN = Duration.ofDays(36_525);

  /** The latest time a job may be due or expire at: the last second of the year 9999. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  static Duration positive(Duration d, String field) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, got " + d);
    }
    return notTooLong(d, field);
  }

  static Duration notTooLong(Duration d, String field) {
    if (d.compareTo(MAX_SPAN) > 0) {
      throw new IllegalArgumentException(field + " is too long: " + d + " (at most 100 years)");
    }
    return d;
  }

  static Instant notTooLate(Instant t, String field) {
    Objects.requireNonNull(t, field);
    if (t.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          field + " is too late: " + t + " (at most " + LATEST + ")");
    }
    // Past is past: a time before 1970 (Instant.MIN) is the epoch, not an overflow of its ms.
    return t.isBefore(Instant.EPOCH) ? Instant.EPOCH : t;
  }

  /** Builds {@link JobOptions}; every setting is optional. */
  public static final class Builder {
    private Duration delay;
    private Instant runAt;
    private String queue;
    private int priority;
    private Retry retry;
    private Duration timeout;
    private Unique<?> unique;
    private String node;
    private boolean strictNode;
    private String notNode;
    private Instant expiresAt;
    private Duration ttl;

    private Builder() {}

    /**
     * Discards the job if it has not started by this instant: it ends killed, with the error
     * "expired", and never runs. A retry that comes due after it is discarded too. Excludes {@link
     * #ttl}.
     */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = notTooLate(expiresAt, "expiresAt");
      this.ttl = null;
      return this;
    }

    /**
     * Discards the job if it has not started this long after it is due (enqueued, or its delay or
     * {@link #runAt} reached), as {@link #expiresAt} does. Excludes {@link #expiresAt}.
     */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      this.expiresAt = null;
      return this;
    }

    /**
     * Runs the job on this worker node. Not strict by default: if the node is not alive, or has
     * been saturated longer than its fallback ({@code Worker.Builder.affinityFallback}), any node
     * may take the job: any but the {@link #notNode}, if one is given too (job_reactor's {@code
     * node} with {@code not_node}).
     */
    public Builder node(String node) {
      this.node = nodeName(node);
      return this;
    }

    /** With {@link #node}: only that node runs the job; it waits, safely, until the node is up. */
    public Builder strictNode(boolean strict) {
      this.strictNode = strict;
      return this;
    }

    /**
     * Never runs the job on this worker node. With a non-strict {@link #node}, the job prefers that
     * node, and whichever node takes it instead is never this one.
     */
    public Builder notNode(String node) {
      this.notNode = nodeName(node);
      return this;
    }

    private static String nodeName(String node) {
      return NodeNames.check(node, "node name");
    }

    /** Runs the job this long after it is enqueued. Excludes {@link #runAt}. */
    public Builder delay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, got " + delay);
      }
      this.delay = notTooLong(delay, "delay");
      this.runAt = null;
      return this;
    }

    /** Runs the job at this instant (at once if it is past). Excludes {@link #delay}. */
    public Builder runAt(Instant runAt) {
      this.runAt = notTooLate(runAt, "runAt");
      this.delay = null;
      return this;
    }

    public Builder queue(String queue) {
      this.queue = Queues.validate(queue);
      return this;
    }

    /**
     * Jobs of higher priority are fetched first within their queue; equal priorities run in enqueue
     * order. Defaults to 0; see {@link #MIN_PRIORITY} and {@link #MAX_PRIORITY}.
     */
    public Builder priority(int priority) {
      if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
        throw new IllegalArgumentException(
            "priority must be in [%d, %d], got %d".formatted(MIN_PRIORITY, MAX_PRIORITY, priority));
      }
      this.priority = priority;
      return this;
    }

    public Builder retry(Retry retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Makes this job unique, overriding its type's uniqueness. Its {@link
     * Unique#args(java.util.function.Function) args function} gets the job's arguments.
     */
    public Builder unique(Unique<?> unique) {
      this.unique = Objects.requireNonNull(unique, "unique");
      return this;
    }

    public JobOptions build() {
      if (strictNode && node == null) {
        throw new IllegalStateException("strictNode(true) needs node(...)");
      }
      if (node != null && node.equals(notNode)) {
        throw new IllegalStateException(
            "node '" + node + "' is both the one to run on and the one to avoid");
      }
      return new JobOptions(this);
    }
  }
}
