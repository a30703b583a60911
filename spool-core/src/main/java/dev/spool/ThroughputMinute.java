package dev.spool;

import java.time.Instant;

/**
 * The work of one queue in one minute.
 *
 * @param minute the start of the minute
 * @param succeeded jobs that succeeded in it
 * @param failed attempts that failed in it (to be retried or dead; a kill is no failure)
 */
public record ThroughputMinute(Instant minute, long succeeded, long failed) {
  /** Attempts that ended in this minute, as Sidekiq counts "processed": succeeded + failed. */
  public long processed() {
    return succeeded + failed;
  }
}
