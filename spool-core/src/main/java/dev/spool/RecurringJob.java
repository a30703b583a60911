package dev.spool;

import java.time.Instant;
import java.util.Optional;

/**
 * A recurring job as stored: its schedule and the job each tick enqueues.
 *
 * @param lastRun when a tick last enqueued (or tried to enqueue) its job
 * @param nextRun when the next tick is due
 */
public record RecurringJob(
    String name,
    String queue,
    String schedule,
    String type,
    String args,
    Optional<Instant> lastRun,
    Instant nextRun) {}
