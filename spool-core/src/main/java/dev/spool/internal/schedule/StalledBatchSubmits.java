package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.RedisJobStore.StalledSubmit;
import dev.spool.internal.redis.Keys;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ValueScanCursor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles batch submits whose process died or stalled before it had enqueued every part (their
 * deadline in the batch queue's {@code batch-submits} set passed, on Redis's clock): the batch is
 * closed if it was not, and each open part that no job was made for is fenced off (a late call of
 * the submit makes none) and counted as a failed part, so that the batch completes and its
 * on-complete job runs. One elected node per queue does it, a bounded slice per call.
 */
public final class StalledBatchSubmits {
  private static final Logger log = LoggerFactory.getLogger(StalledBatchSubmits.class);

  /** Open parts settled per script call, and calls per run: a run settles at most 10 000. */
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
    StalledSubmit s = store.batchSubmitClaim(queue, CLAIM_MS);
    if (s == null) {
      return false;
    }
    if (!Keys.isBatchToken(s.token()) || s.partQueues().isEmpty()) {
      // Garbage, an expired batch, or one of a version that lists no part queues: nothing to do.
      store.batchSubmitEnd(queue, s.token(), s.deadline());
      return true;
    }
    var redis = store.redis();
    String parts = store.keys().queue(queue).batch(s.token()).parts();
    ScanCursor cursor = ScanCursor.of(s.cursor());
    boolean finished = false;
    long failed = 0;
    for (int page = 0; page < PAGES && !finished; page++) {
      ValueScanCursor<String> open =
          redis.awaitOrIfWrongType(
              redis.async().sscan(parts, cursor, ScanArgs.Builder.limit(PAGE)), null);
      if (open == null) {
        finished = true; // a parts key of another type: nothing can be settled
        break;
      }
      List<String> values = open.getValues();
      // COUNT is a hint: a page may hold more, and each settle call takes a bounded slice.
      for (int from = 0; from < values.size(); from += PAGE) {
        failed += settle(queue, s, values.subList(from, Math.min(from + PAGE, values.size())));
      }
      cursor = ScanCursor.of(open.getCursor());
      finished = open.isFinished();
    }
    if (failed > 0) {
      log.warn(
          "queue {}: batch {}:{} was not wholly submitted (its process died or stalled): {} parts"
              + " never enqueued count as failed",
          queue,
          queue,
          s.token(),
          failed);
    }
    if (finished) {
      store.batchSubmitEnd(queue, s.token(), s.deadline());
    } else {
      store.batchSubmitAgain(queue, s.token(), s.deadline(), cursor.getCursor()); // due at once
    }
    return true;
  }

  /** Fences off and counts as failed the open parts no part queue made a job for. */
  private long settle(String queue, StalledSubmit s, List<String> open) {
    List<String> missing = store.batchSettle(s.partQueues(), s.token(), s.ttlSeconds(), open);
    if (missing.isEmpty()) {
      return 0;
    }
    List<String> refs = new ArrayList<>(missing.size());
    for (String part : missing) {
      refs.add(queue + "|" + s.token() + "|" + part);
    }
    store.batchPartsFailed(refs, Micros.now(clock));
    return refs.size();
  }
}
