package dev.spool.dashboard;

import java.time.Instant;

/**
 * Jobs that ended in one minute, over every queue and node.
 *
 * @param succeeded jobs that succeeded
 * @param failed attempts that failed (retried or dead)
 */
record ThroughputMinute(Instant minute, long succeeded, long failed) {
  /** Attempts that ended, as Sidekiq counts "processed". */
  long processed() {
    return succeeded + failed;
  }
}
