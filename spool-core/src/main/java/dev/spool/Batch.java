package dev.spool;

import dev.spool.internal.json.Json;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.worker.BatchPart;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(Batch.class);

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

  /** Parts that have not started yet end as killed; running ones finish. */
  public void stop() {
    store.batchStop(queue, token);
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

    Builder(RedisJobStore store, Enqueuer enqueuer, Clock clock) {
      this.store = store;
      this.enqueuer = enqueuer;
      this.clock = clock;
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

    /** See {@link #DEFAULT_TTL}. */
    public Builder ttl(Duration ttl) {
      this.ttl = JobOptions.positive(ttl, "ttl");
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
                  : parent != null ? parent.batchPart().split("\\|", 2)[0] : Queues.DEFAULT;
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
      Set<String> partQueues = new LinkedHashSet<>();
      for (Part p : parts) {
        partQueues.add(p.options().queue().orElse(p.type().queue()));
      }
      // Where the maintenance settles the submit, should it die before it ends.
      config.addAll(List.of("sq", String.join(",", partQueues)));
      BatchSubmitLease lease = new BatchSubmitLease(store, clock, queue, token);
      int slice = 1000;
      for (int from = 0; from < parts.size(); from += slice) {
        int to = Math.min(from + slice, parts.size());
        List<String> names = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          names.add(Integer.toString(i));
        }
        store.batchOpen(
            queue,
            token,
            ttl.toSeconds(),
            to == parts.size(),
            from == 0 ? lease.deadlineMs() : 0,
            from == 0 ? config : List.of(),
            names);
        lease.renewIfDue();
      }
      Batch batch = new Batch(store, queue, token);
      // Consecutive parts of one type and options go out together, pipelined.
      List<String> rejected = new ArrayList<>();
      List<Integer> rejectedAt = new ArrayList<>();
      SortedMap<Integer, JobId> enqueued = new TreeMap<>();
      List<Integer> notEnqueued = new ArrayList<>();
      List<Integer> maybeEnqueued = new ArrayList<>();
      String maybeQueue = null; // where the parts whose enqueue got no answer were sent
      Throwable failure = null;
      UniqueJobConflictException raise = null;
      int from = 0;
      while (from < parts.size()) {
        Part first = parts.get(from);
        int to = from + 1;
        while (to < parts.size()
            && parts.get(to).type() == first.type()
            && parts.get(to).options() == first.options()) {
          to++;
        }
        if (failure != null) {
          // Not sent once an earlier group failed: certainly not enqueued.
          for (int i = from; i < to; i++) {
            notEnqueued.add(i);
          }
          from = to;
          continue;
        }
        List<Object> args = new ArrayList<>(to - from);
        List<String> refs = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          args.add(parts.get(i).args());
          refs.add(ref(queue, token, i));
        }
        try {
          lease.renewIfDue();
          List<EnqueueResult> results =
              enqueue(first.type(), args, first.options(), refs, encoded.subList(from, to));
          for (int i = 0; i < results.size(); i++) {
            enqueued.put(from + i, results.get(i).jobId());
            if (!results.get(i).accepted()) {
              rejected.add(refs.get(i));
              rejectedAt.add(from + i);
              Unique<?> unique = Enqueuer.uniqueOf(first.type(), first.options());
              if (raise == null && unique != null && unique.conflict() == OnConflict.RAISE) {
                raise = new UniqueJobConflictException(first.type().name(), results.get(i).jobId());
              }
            }
          }
        } catch (PartialEnqueueException e) {
          failure = e;
          int at = from;
          e.enqueued().forEach((i, id) -> enqueued.put(at + i, id));
          e.notEnqueued().forEach(i -> notEnqueued.add(at + i));
          e.maybeEnqueued().forEach(i -> maybeEnqueued.add(at + i));
          maybeQueue = first.options().queue().orElse(first.type().queue());
          // Unique parts that met a held lock before the failure never run for this batch either.
          for (int i : e.rejected()) {
            rejected.add(refs.get(i));
            rejectedAt.add(at + i);
          }
        } catch (RuntimeException e) {
          failure = e;
          // A refusal (Redis's, or before sending) wrote none of the group's parts; a call that got
          // no answer, or a failure of another kind, may have left some of them enqueued.
          boolean unknown =
              !(e instanceof SpoolException) || e instanceof EnqueueOutcomeUnknownException;
          for (int i = from; i < to; i++) {
            (unknown ? maybeEnqueued : notEnqueued).add(i);
          }
          if (unknown) {
            maybeQueue = first.options().queue().orElse(first.type().queue());
          }
        }
        from = to;
      }
      // A part rejected or never enqueued never runs for this batch: without its end the batch
      // would wait for it until its keys expire, and its callbacks would never run. The same for a
      // part whose enqueue got no answer, if Redis did not enqueue it after all.
      List<String> ended = new ArrayList<>(rejected);
      for (int i : notEnqueued) {
        ended.add(ref(queue, token, i));
      }
      if (failure == null) {
        BatchSubmitRecovery.countAsFailed(store, clock, ended);
        // Every call was answered: no late one can come, so the record of which parts were
        // enqueued (kept for a settle) is not needed, and a large batch's would hold memory,
        // unless the maintenance took the submit over (it settles the batch with it). Should
        // Redis fail now, the submit still succeeded: the maintenance settles it, changing nothing.
        try {
          if (lease.end()) {
            store.batchPartsForget(store.shards().expand(partQueues), token);
          } else {
            log.warn(
                "batch {}: the submit went {} s without renewing its lease, so a worker node"
                    + " settled it meanwhile: parts it had not enqueued by then count as failed"
                    + " (shown as rejected here)",
                batch.id(),
                BatchSubmitLease.LEASE.toSeconds());
          }
        } catch (SpoolException e) {
          log.debug("batch {}: its submit is ended by the maintenance: {}", batch.id(), e);
        }
      } else {
        BatchSubmitRecovery recovery =
            new BatchSubmitRecovery(
                store, clock, queue, token, ttl.toSeconds(), ended, maybeQueue, maybeEnqueued);
        try {
          recovery.run();
          lease.end(); // the record of enqueued parts is kept: a late call must meet its fences
        } catch (RuntimeException e) {
          // Redis failed again (it is down, say): the caller finishes it once it is back, or the
          // maintenance once the submit's deadline passes.
          failure.addSuppressed(e);
        }
        throw new BatchSubmitException(
            "batch %s: %d of %d parts enqueued, %d not and %d rejected by a held unique lock, %d unanswered (%s): %s"
                .formatted(
                    batch.id(),
                    enqueued.size() - rejectedAt.size(),
                    parts.size(),
                    notEnqueued.size(),
                    rejectedAt.size(),
                    maybeEnqueued.size(),
                    !recovery.counted() || !recovery.settled()
                        ? "NOT yet counted as failed parts, as Redis failed again: call"
                            + " countNotEnqueued() once it is back, or the batch waits for them"
                        : maybeEnqueued.isEmpty()
                            ? "counted as failed parts"
                            : "counted as failed parts, with the %d unanswered ones Redis did not enqueue"
                                .formatted(recovery.foundNotEnqueued().size()),
                    failure.getMessage()),
            batch,
            enqueued,
            notEnqueued,
            maybeEnqueued,
            rejectedAt,
            recovery,
            failure);
      }
      if (raise != null) {
        throw raise;
      }
      return batch;
    }

    static String ref(String queue, String token, int part) {
      return queue + "|" + token + "|" + part;
    }

    @SuppressWarnings("unchecked")
    private <A> String encode(JobType<A> type, Object args) {
      return enqueuer.encode(type, (A) args);
    }

    @SuppressWarnings("unchecked")
    private <A> List<EnqueueResult> enqueue(
        JobType<A> type,
        List<Object> args,
        JobOptions options,
        List<String> refs,
        List<String> encoded) {
      return enqueuer.enqueueAll(
          type, (List<A>) (List<?>) args, options, refs, ttl.toSeconds(), encoded);
    }
  }
}
