package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Keys.QueueKeys;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ValueScanCursor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles batch submits whose process died or stalled before enqueuing every part (their deadline
 * in the batch queue's {@code batch-submits} set passed): each open part that no job was made for
 * is fenced off (a late call makes none) and counted as a failed part, so that the batch completes
 * and its on-complete job runs. One elected node per queue does it, a bounded slice per call.
 */
public final class StalledBatchSubmits {
  private static final Logger log = LoggerFactory.getLogger(StalledBatchSubmits.class);

  /** Open parts read per page, and pages per call: a call settles at most 10 000 parts. */
  static final int PAGE = 1000;

  static final int PAGES = 10;

  /** How long a claimed submit is left to its settler before another may take it over. */
  static final long CLAIM_MS = 60_000;

  private final RedisJobStore store;
  private final Clock clock;

  public StalledBatchSubmits(RedisJobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Settles (a slice of) the first stalled submit of batches on this queue; true if there may be
   * more to do.
   */
  public boolean runBatch(String queue) {
    QueueKeys q = store.keys().queue(queue);
    var redis = store.redis();
    long now = clock.millis();
    List<ScoredValue<String>> due =
        redis.awaitOrIfWrongType(
            redis
                .async()
                .zrangebyscoreWithScores(
                    q.batchSubmits(),
                    Range.create(Double.NEGATIVE_INFINITY, (double) now),
                    Limit.create(0, 1)),
            List.of());
    if (due.isEmpty()) {
      return false;
    }
    String token = due.getFirst().getValue();
    long seen = (long) due.getFirst().getScore();
    long claim = now + CLAIM_MS;
    if (!store.batchSubmitMove(queue, token, seen, claim)) {
      return true; // renewed or taken meanwhile: look again
    }
    if (!Keys.isBatchToken(token)) {
      store.batchSubmitMove(queue, token, claim, 0); // garbage: no batch has such a token
      return true;
    }
    var b = q.batch(token);
    List<String> state =
        redis
            .awaitOrIfWrongType(redis.async().hmget(b.state(), "sq", "ttl", "sc"), List.of())
            .stream()
            .map(kv -> kv.getValueOrElse(null))
            .toList();
    String partQueues = state.isEmpty() ? null : state.get(0);
    if (partQueues == null || partQueues.isEmpty()) {
      // Expired, or written by a version that does not list its part queues: nothing to settle.
      store.batchSubmitMove(queue, token, claim, 0);
      return true;
    }
    long ttl = parseOr(state.get(1), 604_800);
    ScanCursor cursor = ScanCursor.of(state.get(2) == null ? "0" : state.get(2));
    long failed = 0;
    for (int page = 0; page < PAGES; page++) {
      ValueScanCursor<String> open =
          redis.await(redis.async().sscan(b.parts(), cursor, ScanArgs.Builder.limit(PAGE)));
      failed += settle(queue, token, ttl, Arrays.asList(partQueues.split(",")), open.getValues());
      cursor = ScanCursor.of(open.getCursor());
      if (open.isFinished()) {
        cursor = null;
        break;
      }
    }
    if (failed > 0) {
      log.warn(
          "queue {}: batch {} was not wholly submitted (its process died or stalled): {} parts"
              + " never enqueued count as failed",
          queue,
          queue + ":" + token,
          failed);
    }
    if (cursor == null) {
      redis.await(redis.async().hdel(b.state(), "sc"));
      store.batchSubmitMove(queue, token, claim, 0);
    } else {
      // More pages: due again at once, from where this call stopped.
      redis.await(redis.async().hset(b.state(), "sc", cursor.getCursor()));
      store.batchSubmitMove(queue, token, claim, now);
    }
    return true;
  }

  /** Fences off and counts as failed the open parts no part queue made a job for. */
  private long settle(
      String queue, String token, long ttl, List<String> partQueues, List<String> open) {
    if (open.isEmpty()) {
      return 0;
    }
    List<String> missing = new ArrayList<>(open);
    for (String partQueue : partQueues) {
      missing = store.batchSettle(partQueue, token, ttl, missing);
      if (missing.isEmpty()) {
        return 0;
      }
    }
    List<String> refs = new ArrayList<>(missing.size());
    for (String part : missing) {
      refs.add(queue + "|" + token + "|" + part);
    }
    store.batchPartsFailed(refs, Micros.now(clock));
    return refs.size();
  }

  private static long parseOr(String s, long otherwise) {
    try {
      return s == null ? otherwise : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
