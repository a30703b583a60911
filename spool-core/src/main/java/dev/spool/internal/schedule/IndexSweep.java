package dev.spool.internal.schedule;

import dev.spool.internal.status.StatusStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps a queue's status buckets, a slice at a time, so that the directory status queries walk
 * lists every bucket that holds statuses (docs/statuses.md, "The bucket directory"): the first
 * sweep makes a queue from before the directory trusted; later ones repair what nodes of an older
 * version, or a hand, wrote behind its back. A duty of its own, with its own leader, so that an
 * older node leading the pruning during a rolling upgrade does not hold it back.
 */
public final class IndexSweep {
  private static final Logger log = LoggerFactory.getLogger(IndexSweep.class);

  /**
   * Buckets one call checks, a command of seven keys each (3–7 µs of Redis time on a quiet 2-core
   * machine): well under a millisecond per call. A history of 50 M job numbers (100 000 buckets)
   * takes about 3 000 such calls, 0.3–0.7 s of Redis time.
   */
  public static final int BUCKETS = 32;

  /**
   * Time from the end of one sweep of a queue to the start of the next: how late, at most, a sweep
   * repairs a bucket written behind the directory's back.
   */
  public static final Duration PERIOD = Duration.ofHours(1);

  /**
   * How often a node asks whether a sweep is due (a few commands when none is): the first sweep
   * after an upgrade starts within about this time.
   */
  public static final Duration INTERVAL = Duration.ofSeconds(10);

  private final StatusStore store;

  public IndexSweep(StatusStore store) {
    this.store = store;
  }

  /** Sweeps one slice of one queue's buckets; returns true if the sweep goes on (call again). */
  public boolean runBatch(String queue) {
    long checked = store.sweepIndex(queue, BUCKETS, PERIOD);
    if (checked > 0 && checked < BUCKETS) {
      log.debug("queue {}: swept the status buckets' directory", queue);
    }
    return checked == BUCKETS;
  }
}
