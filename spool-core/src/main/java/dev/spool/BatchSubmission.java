package dev.spool;

import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link Batch.Builder#submit()}: records the batch with all its parts, then enqueues
 * the parts, holding a lease on the submit meanwhile (so that a worker node settles the batch
 * should this process die or stall), and makes sure the batch completes whatever fails midway:
 * every part that will not run is counted as a failed part.
 */
final class BatchSubmission {
  private static final Logger log = LoggerFactory.getLogger(BatchSubmission.class);

  /** Parts recorded per call of batch-open. */
  private static final int OPEN_SLICE = 1000;

  /** A part to enqueue, its arguments encoded already. */
  record Part(JobType<?> type, Object args, JobOptions options, String encoded) {
    String queue() {
      return options.queue().orElse(type.queue());
    }
  }

  private final RedisJobStore store;
  private final Enqueuer enqueuer;
  private final Clock clock;
  private final String queue;
  private final String token;
  private final Duration ttl;
  private final List<Part> parts;
  private final List<String> physicalPartQueues;
  private final BatchSubmitLease lease;
  private final Batch batch;

  private final List<String> rejected = new ArrayList<>();
  private final List<Integer> rejectedAt = new ArrayList<>();
  private final SortedMap<Integer, JobId> enqueued = new TreeMap<>();
  private final List<Integer> notEnqueued = new ArrayList<>();
  private final List<Integer> maybeEnqueued = new ArrayList<>();
  private String maybeQueue; // where the parts whose enqueue got no answer were sent
  private Throwable failure;
  private UniqueJobConflictException raise;

  BatchSubmission(
      RedisJobStore store,
      Enqueuer enqueuer,
      Clock clock,
      String queue,
      String token,
      Duration ttl,
      Duration lease,
      List<Part> parts) {
    this.store = store;
    this.enqueuer = enqueuer;
    this.clock = clock;
    this.queue = queue;
    this.token = token;
    this.ttl = ttl;
    this.parts = parts;
    Set<String> partQueues = new LinkedHashSet<>();
    parts.forEach(p -> partQueues.add(p.queue()));
    // As this process shards them: a settling node may not know the part queues' shards.
    this.physicalPartQueues = store.shards().expand(partQueues);
    this.lease = new BatchSubmitLease(store, queue, token, lease);
    this.batch = new Batch(store, queue, token);
  }

  /**
   * @param config the batch's state fields (policy, ttl, callbacks, parent)
   * @throws BatchSubmitException if some parts could not be enqueued; the batch is recorded
   */
  Batch run(List<String> config) {
    try (lease) {
      open(config);
      enqueueParts();
      return finish();
    }
  }

  /** Records the batch and every part, a slice per call; the last slice closes it. */
  private void open(List<String> config) {
    List<String> first = new ArrayList<>(config);
    // Where a worker node settles the submit, should this process die before it ends.
    first.addAll(List.of("sq", String.join(",", physicalPartQueues)));
    for (int from = 0; from < parts.size(); from += OPEN_SLICE) {
      int to = Math.min(from + OPEN_SLICE, parts.size());
      List<String> names = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        names.add(Integer.toString(i));
      }
      boolean close = to == parts.size();
      long ttlSeconds = ttl.toSeconds();
      if (from == 0) {
        lease.listed(
            store.batchOpen(queue, token, ttlSeconds, close, lease.leaseMs(), 0, first, names));
      } else if (lease.withDeadline(
              seen -> store.batchOpen(queue, token, ttlSeconds, close, 0, seen, List.of(), names))
          < 0) {
        lease.lostToASettle();
        throw new SpoolException(
            "batch %s: a worker node took its submit over while it was being recorded (it went %s without renewing its lease: this process stalled); the parts recorded so far count as failed, none was enqueued: submit the batch again"
                .formatted(batch.id(), lease.leaseText()));
      }
    }
  }

  /** Consecutive parts of one type and options go out together, pipelined. */
  private void enqueueParts() {
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
      } else {
        enqueueGroup(from, to);
      }
      from = to;
    }
  }

  private void enqueueGroup(int from, int to) {
    Part first = parts.get(from);
    List<Object> args = new ArrayList<>(to - from);
    List<String> refs = new ArrayList<>(to - from);
    List<String> encoded = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      args.add(parts.get(i).args());
      refs.add(Batch.Builder.ref(queue, token, i));
      encoded.add(parts.get(i).encoded());
    }
    try {
      List<EnqueueResult> results = enqueue(first, args, refs, encoded);
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
      e.enqueued().forEach((i, id) -> enqueued.put(from + i, id));
      e.notEnqueued().forEach(i -> notEnqueued.add(from + i));
      e.maybeEnqueued().forEach(i -> maybeEnqueued.add(from + i));
      maybeQueue = first.queue();
      // Unique parts that met a held lock before the failure never run for this batch either.
      for (int i : e.rejected()) {
        rejected.add(refs.get(i));
        rejectedAt.add(from + i);
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
        maybeQueue = first.queue();
      }
    }
  }

  /**
   * Counts the parts that will not run as failed parts, so that the batch completes, and ends the
   * submit; throws if not every part was enqueued.
   */
  private Batch finish() {
    // A part rejected or never enqueued never runs for this batch: without its end the batch
    // would wait for it until its keys expire, and its callbacks would never run. The same for a
    // part whose enqueue got no answer, if Redis did not enqueue it after all.
    List<String> ended = new ArrayList<>(rejected);
    for (int i : notEnqueued) {
      ended.add(Batch.Builder.ref(queue, token, i));
    }
    if (failure == null) {
      BatchSubmitRecovery.countAsFailed(store, clock, ended);
      if (endSubmit()) {
        // Every call was answered: no late one can come, so the record of which parts were
        // enqueued (kept for a settle) is not needed, and a large batch's would hold memory.
        forgetEnqueuedParts();
      } else if (lease.lost()) {
        throw takenOver();
      }
      if (raise != null) {
        throw raise;
      }
      return batch;
    }
    BatchSubmitRecovery recovery =
        new BatchSubmitRecovery(
            store, clock, queue, token, ttl.toSeconds(), ended, maybeQueue, maybeEnqueued);
    try {
      recovery.run();
      lease.end(); // the record of enqueued parts is kept: a late call must meet its fences
    } catch (RuntimeException e) {
      // Redis failed again (it is down, say): the caller finishes it once it is back, or a
      // worker node once the submit's lease runs out.
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
                        + " countNotEnqueued() once it is back, or a worker node of the batch's"
                        + " queue does it once the submit's lease runs out"
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

  /** Ends the submit's lease; false if it was lost, or could not be ended (Redis failed). */
  private boolean endSubmit() {
    try {
      return lease.end();
    } catch (SpoolException e) {
      // The submit succeeded all the same: its lease runs out, and the worker node that settles
      // it finds every part enqueued.
      log.debug("batch {}: could not end its submit's lease: {}", batch.id(), e.toString());
      return false;
    }
  }

  private void forgetEnqueuedParts() {
    try {
      store.batchPartsForget(physicalPartQueues, token);
    } catch (SpoolException e) {
      log.debug("batch {}: its record of enqueued parts expires instead: {}", batch.id(), e);
    }
  }

  /**
   * The submit lost its lease while enqueuing (this process stalled past it) and a worker node
   * settled the batch: the parts it had not enqueued by then were fenced off and count as failed.
   * Such a part came back as rejected; unless its type is unique (then a held lock may have
   * rejected it), it is reported as not enqueued.
   */
  private BatchSubmitException takenOver() {
    List<Integer> fenced = new ArrayList<>();
    List<Integer> stillRejected = new ArrayList<>();
    for (int i : rejectedAt) {
      Part p = parts.get(i);
      (Enqueuer.uniqueOf(p.type(), p.options()) == null ? fenced : stillRejected).add(i);
    }
    fenced.forEach(enqueued::remove);
    List<Integer> notRun = new ArrayList<>(notEnqueued);
    notRun.addAll(fenced);
    BatchSubmitRecovery counted =
        new BatchSubmitRecovery(
            store, clock, queue, token, ttl.toSeconds(), List.of(), null, List.of());
    counted.run(); // nothing left: the settle and this submit counted them
    return new BatchSubmitException(
        "batch %s: a worker node took the submit over (it went %s without renewing its lease: this process stalled), and settled the batch: %d parts not enqueued by then count as failed"
            .formatted(batch.id(), lease.leaseText(), fenced.size()),
        batch,
        enqueued,
        notRun,
        List.of(),
        stillRejected,
        counted,
        null);
  }

  @SuppressWarnings("unchecked")
  private <A> List<EnqueueResult> enqueue(
      Part first, List<Object> args, List<String> refs, List<String> encoded) {
    return enqueuer.enqueueAll(
        (JobType<A>) first.type(),
        (List<A>) (List<?>) args,
        first.options(),
        refs,
        ttl.toSeconds(),
        encoded);
  }
}
