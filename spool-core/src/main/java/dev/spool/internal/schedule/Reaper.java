package dev.spool.internal.schedule;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.JobStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns jobs whose lease expired (their node died or stalled) to their queue, attempt + 1, or to
 * the dead set when their retries are used up. Safe to run on every node at once.
 */
public final class Reaper {
  private static final Logger log = LoggerFactory.getLogger(Reaper.class);

  /** Jobs one script call recovers at most: a slice that keeps each call well under 5 ms. */
  public static final int BATCH = 50;

  private final JobStore store;
  private final List<String> queues;
  private final Clock clock;

  public Reaper(JobStore store, List<String> queues, Clock clock) {
    this.store = store;
    this.queues = List.copyOf(queues);
    this.clock = clock;
  }

  /** One pass over every queue; returns the number of jobs recovered (requeued or dead). */
  public long runOnce() {
    long total = 0;
    for (String queue : queues) {
      long[] r;
      do {
        r = store.reap(queue, Micros.now(clock), BATCH);
        total += r[0] + r[1];
        if (r[0] + r[1] > 0) {
          log.info(
              "queue {}: recovered {} jobs with expired leases ({} dead)",
              queue,
              r[0] + r[1],
              r[1]);
        }
      } while (r[0] + r[1] == BATCH);
    }
    return total;
  }
}
