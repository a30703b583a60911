package dev.spool;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What a batch submit that failed midway still owes its batch, so that the batch completes: the
 * parts certainly not enqueued (and those rejected by a held unique lock) are counted as failed
 * parts, and the parts whose enqueue got no answer are settled — each found enqueued keeps its job,
 * each found not enqueued is fenced off (a late call makes no job for it) and counted as failed.
 * Each step is done once here and is idempotent in Redis, so running it again after a failure
 * (Redis away) is safe.
 */
final class BatchSubmitRecovery {
  private static final int SLICE = 1000;

  private final RedisJobStore store;
  private final Clock clock;
  private final String queue;
  private final String token;
  private final long ttlSeconds;
  private final List<String> ended;
  private final String maybeQueue;
  private final List<Integer> maybeEnqueued;
  private boolean counted;
  private List<Integer> foundNotEnqueued; // null until the unanswered parts are settled

  /**
   * @param queue the batch's queue, {@code token} its token
   * @param ended the parts ({@code "<queue>|<token>|<part>"}) that will never run for the batch
   * @param maybeQueue the queue the unanswered parts were sent to (null if none were)
   * @param maybeEnqueued the indexes of the unanswered parts
   */
  BatchSubmitRecovery(
      RedisJobStore store,
      Clock clock,
      String queue,
      String token,
      long ttlSeconds,
      List<String> ended,
      String maybeQueue,
      List<Integer> maybeEnqueued) {
    this.store = store;
    this.clock = clock;
    this.queue = queue;
    this.token = token;
    this.ttlSeconds = ttlSeconds;
    this.ended = List.copyOf(ended);
    this.maybeQueue = maybeQueue;
    this.maybeEnqueued = List.copyOf(maybeEnqueued);
    this.foundNotEnqueued = maybeEnqueued.isEmpty() ? List.of() : null;
  }

  /** Does what is left to do; throws (a {@link SpoolException}) if Redis fails meanwhile. */
  synchronized void run() {
    if (!counted) {
      countAsFailed(store, clock, ended);
      counted = true;
    }
    if (foundNotEnqueued == null) {
      List<Integer> missing = settle();
      List<String> refs = new ArrayList<>(missing.size());
      for (int i : missing) {
        refs.add(Batch.Builder.ref(queue, token, i));
      }
      countAsFailed(store, clock, refs);
      foundNotEnqueued = List.copyOf(missing);
    }
  }

  /** Whether the parts certainly not enqueued are counted as failed. */
  synchronized boolean counted() {
    return counted;
  }

  /** Whether the unanswered parts are settled (and those not enqueued counted as failed). */
  synchronized boolean settled() {
    return foundNotEnqueued != null;
  }

  /** The unanswered parts found not enqueued, once settled; empty before. */
  synchronized List<Integer> foundNotEnqueued() {
    return foundNotEnqueued == null ? List.of() : foundNotEnqueued;
  }

  /** The unanswered parts that no shard of the queue they were sent to made a job for. */
  private List<Integer> settle() {
    List<String> numbers = maybeEnqueued.stream().map(String::valueOf).toList();
    List<String> queues = store.shards().physical(maybeQueue); // as this process sent them
    List<Integer> missing = new ArrayList<>();
    for (int from = 0; from < numbers.size(); from += SLICE) {
      List<String> slice = numbers.subList(from, Math.min(from + SLICE, numbers.size()));
      store
          .batchSettle(queues, token, ttlSeconds, slice)
          .forEach(n -> missing.add(Integer.valueOf(n)));
    }
    return missing;
  }

  /**
   * Counts parts ({@code "<queue>|<token>|<part>"}) that will never run as failed parts of their
   * batch, a slice of them per call; counting one again changes nothing (batch-done.lua).
   */
  static void countAsFailed(RedisJobStore store, Clock clock, List<String> refs) {
    for (int i = 0; i < refs.size(); i += SLICE) {
      store.batchPartsFailed(refs.subList(i, Math.min(i + SLICE, refs.size())), Micros.now(clock));
    }
  }
}
