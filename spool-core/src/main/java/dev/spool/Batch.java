package dev.spool;

import dev.spool.internal.json.Json;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.worker.BatchPart;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Spool jobs run as the parts of one {@link DistributedJob}-like whole: when every part has run
 * (succeeded, or died after its retries, or was killed), the on-complete job is enqueued exactly
 * once, and the on-success job too if every part succeeded.
 *
 * <pre>{@code
 * Batch b = spool.batch()
 *     .onComplete(REPORT, new Report("2026-11"))
 *     .onSuccess(NOTIFY, new Notify("2026-11"))
 *     .add(DAY, d1).add(DAY, d2)
 *     .submit();
 * b.progress();   // total, pending, succeeded, failed
 * }</pre>
 *
 * <p>A batch's state lives in the queue of its callbacks (its on-complete job's queue, else its
 * on-success job's, else the opening job's, else "default"); both callbacks are enqueued there, in
 * the same atomic step that records the last part. Statuses of parts can be selected with {@link
 * StatusQuery#batch(String...)}.
 */
public final class Batch {

  /** Defaults to 7 days: a batch's keys live this long after its last change. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  private final RedisJobStore store;
  private final String queue;
  private final String token;

  Batch(RedisJobStore store, String queue, String token) {
    this.store = store;
    this.queue = queue;
    this.token = token;
  }

  /** {@code <queue>:<token>}, as {@link Spool#batch(String)} reads it back. */
  public String id() {
    return queue + ":" + token;
  }

  public String token() {
    return token;
  }

  public String queue() {
    return queue;
  }

  public BatchProgress progress() {
    Map<String, String> state = store.batchState(queue, token);
    long total = number(state.get("total"));
    return new BatchProgress(
        total,
        store.batchOpenParts(queue, token),
        number(state.get("ok")),
        number(state.get("ko")),
        state.containsKey("finished"),
        "1".equals(state.get("stopped")));
  }

  /**
   * Parts that have not started yet end as killed; running ones finish.
   *
   * @return false if the batch is not known (its keys expired, or it was never opened): nothing is
   *     written then
   */
  public boolean stop() {
    return store.batchStop(queue, token);
  }

  public boolean isStopped() {
    return progress().stopped();
  }

  public boolean isFinished() {
    return progress().finished();
  }

  private static long number(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }

  @Override
  public String toString() {
    return "Batch[" + id() + "]";
  }

  /** Collects a batch's parts and callbacks; {@link #submit()} starts it. */
  public static final class Builder {
    private record Part(JobType<?> type, Object args, JobOptions options) {}

    private record Callback(JobType<?> type, String args) {}

    private final RedisJobStore store;
    private final Enqueuer enqueuer;
    private final Clock clock;
    private final List<Part> parts = new ArrayList<>();
    private Callback onComplete;
    private Callback onSuccess;
    private boolean stopOnFailure;
    private Duration ttl = DEFAULT_TTL;
    private BatchPart parent;

    /**
     * The queue of the job that opened this batch as its child: where it lives with no callback.
     */
    private String openingQueue;

    private final Duration submitLease;

    Builder(RedisJobStore store, Enqueuer enqueuer, Clock clock, Duration submitLease) {
      this.store = store;
      this.enqueuer = enqueuer;
      this.clock = clock;
      this.submitLease = submitLease;
    }

    /** Enqueued once when every part has run, whatever their outcome. */
    public <A> Builder onComplete(JobType<A> type, A args) {
      this.onComplete = new Callback(Objects.requireNonNull(type, "type"), Json.write(args));
      return this;
    }

    /** Enqueued once when every part has run, only if every part succeeded. */
    public <A> Builder onSuccess(JobType<A> type, A args) {
      this.onSuccess = new Callback(Objects.requireNonNull(type, "type"), Json.write(args));
      return this;
    }

    /**
     * When a part dies, stop the batch: parts that have not started end as killed. By default the
     * batch keeps going and records the failure.
     */
    public Builder stopOnFailure() {
      this.stopOnFailure = true;
      return this;
    }

    /**
     * See {@link #DEFAULT_TTL}; whole seconds, at least 1.
     *
     * @throws IllegalArgumentException if {@code ttl} is under a second (Redis expires keys in
     *     seconds here: a shorter one would delete the batch as it is opened)
     */
    public Builder ttl(Duration ttl) {
      JobOptions.positive(ttl, "ttl");
      if (ttl.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "ttl must be at least 1 second (a batch's keys expire in whole seconds), got " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Opens this batch inside the handler of a batch part: that part is done when this batch
     * finishes (with its outcome), not when the handler returns.
     *
     * @throws IllegalArgumentException if the running job is not a batch part
     */
    public Builder childOf(JobContext job) {
      if (!(job instanceof BatchPart part) || part.batchPart().isEmpty()) {
        throw new IllegalArgumentException(
            "childOf: job " + job.id() + " is not a part of a batch, so it cannot wait for one");
      }
      this.parent = part;
      this.openingQueue = job.id().queue();
      return this;
    }

    public <A> Builder add(JobType<A> type, A args) {
      return add(type, args, JobOptions.NONE);
    }

    public <A> Builder add(JobType<A> type, A args, JobOptions options) {
      parts.add(
          new Part(
              Objects.requireNonNull(type, "type"),
              Objects.requireNonNull(args, "args"),
              Objects.requireNonNull(options, "options")));
      return this;
    }

    /**
     * Records the batch with all its parts, then enqueues the parts. A unique part whose lock is
     * held (by another job, or by an earlier part of this batch with the same arguments) is not
     * enqueued: it counts as a failed part at once, since it will never run for this batch.
     *
     * <p>Every part's arguments are encoded first: one that cannot be (or is over the payload
     * limit) fails the submit before anything is written. If Redis refuses or fails midway, the
     * parts certainly not enqueued count as failed parts at once, so the batch still completes; see
     * {@link BatchSubmitException}.
     *
     * @throws IllegalStateException if no part was added
     * @throws BatchSubmitException if some parts could not be enqueued; the batch is recorded
     * @throws UniqueJobConflictException if such a part's unique lock raises on a conflict ({@link
     *     OnConflict#RAISE}); the batch is recorded and its other parts enqueued all the same
     */
    public Batch submit() {
      if (parts.isEmpty()) {
        throw new IllegalStateException("a batch needs at least one part: call add(...) first");
      }
      // Every part's arguments are encoded (and checked against the size limit) before anything
      // is written (or a parent part deferred): a part that cannot be leaves no batch behind, no
      // part of it runs, and a parent part is not left waiting for it.
      List<String> encoded = new ArrayList<>(parts.size());
      for (Part p : parts) {
        encoded.add(encode(p.type(), p.args()));
      }
      String queue =
          onComplete != null
              ? onComplete.type().queue()
              : onSuccess != null
                  ? onSuccess.type().queue()
                  : parent != null ? openingQueue : Queues.DEFAULT;
      queue = store.shards().home(queue); // a sharded queue's callbacks run on its first shard
      byte[] random = new byte[8];
      ThreadLocalRandom.current().nextBytes(random);
      String token = "b" + Long.toString(clock.millis(), 36) + HexFormat.of().formatHex(random);
      List<String> config = new ArrayList<>();
      config.addAll(List.of("policy", stopOnFailure ? "stop" : "keep"));
      config.addAll(List.of("ttl", Long.toString(ttl.toSeconds())));
      if (onComplete != null) {
        config.addAll(List.of("oc", onComplete.type().name() + "|" + onComplete.args()));
        config.addAll(List.of("oco", enqueuer.storedOptions(onComplete.type())));
      }
      if (onSuccess != null) {
        config.addAll(List.of("os", onSuccess.type().name() + "|" + onSuccess.args()));
        config.addAll(List.of("oso", enqueuer.storedOptions(onSuccess.type())));
      }
      if (parent != null) {
        config.addAll(List.of("parent", parent.batchPart()));
        parent.deferToChildBatch();
      }
      List<BatchSubmission.Part> toSubmit = new ArrayList<>(parts.size());
      for (int i = 0; i < parts.size(); i++) {
        Part p = parts.get(i);
        toSubmit.add(new BatchSubmission.Part(p.type(), p.args(), p.options(), encoded.get(i)));
      }
      return new BatchSubmission(store, enqueuer, clock, queue, token, ttl, submitLease, toSubmit)
          .run(config);
    }

    static String ref(String queue, String token, int part) {
      return queue + "|" + token + "|" + part;
    }

    @SuppressWarnings("unchecked")
    private <A> String encode(JobType<A> type, Object args) {
      return enqueuer.encode(type, (A) args);
    }
  }
}
