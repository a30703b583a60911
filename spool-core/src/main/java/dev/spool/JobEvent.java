package dev.spool;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One attempt of a job, as told to {@link JobListener}s and {@link JobInterceptor}s. Carries only
 * what is cheap to know on the worker: no arguments, no status look-up.
 *
 * @param attempt 0 for the first attempt
 * @param node the worker node running it
 * @param enqueuedAt when the job was enqueued; null when the stored job does not say
 * @param startedAt when this attempt started, by the Spool's clock
 */
public record JobEvent(
    JobId id, String type, int attempt, String node, Instant enqueuedAt, Instant startedAt) {

  public String queue() {
    return id.queue();
  }

  /**
   * From enqueue to the start of this attempt. For a delayed job it includes the delay, for a retry
   * the earlier attempts and their backoff; empty when the enqueue time is unknown.
   */
  public Optional<Duration> sinceEnqueued() {
    return enqueuedAt == null
        ? Optional.empty()
        : Optional.of(Duration.between(enqueuedAt, startedAt));
  }
}
