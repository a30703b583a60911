package dev.spool;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A recurring job as stored: its schedule and the job each tick enqueues.
 *
 * @param schedule as {@link Schedule#toString()} describes it: "every PT30S" (ISO-8601) or "cron '0
 *     3 * * *' in Europe/Berlin"; for a stored definition that does not parse (written by hand or
 *     by another tool), "malformed definition: " and why: its ticks do not fire until it is defined
 *     again or cancelled
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
    Instant nextRun) {

  /** The schedule as people write it: "every 30s", "every 1h30m"; a cron schedule as it is. */
  public String scheduleText() {
    if (schedule != null && schedule.startsWith("every ")) {
      try {
        return "every " + Durations.format(Duration.parse(schedule.substring("every ".length())));
      } catch (DateTimeParseException e) {
        // not Spool's description: shown as it is
      }
    }
    return schedule;
  }
}
