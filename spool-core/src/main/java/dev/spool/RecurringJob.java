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
 * @param node the worker node each tick's job is for ({@link JobOptions#node}); empty for any
 * @param strictNode whether only {@code node} may run it
 * @param notNode the node that never runs it; empty for none
 * @param priority its priority within the queue
 */
public record RecurringJob(
    String name,
    String queue,
    String schedule,
    String type,
    String args,
    Optional<Instant> lastRun,
    Instant nextRun,
    Optional<String> node,
    boolean strictNode,
    Optional<String> notNode,
    int priority) {

  /** A recurring job for any node, at priority 0. */
  public RecurringJob(
      String name,
      String queue,
      String schedule,
      String type,
      String args,
      Optional<Instant> lastRun,
      Instant nextRun) {
    this(
        name,
        queue,
        schedule,
        type,
        args,
        lastRun,
        nextRun,
        Optional.empty(),
        false,
        Optional.empty(),
        0);
  }

  /**
   * Where its jobs run, as people read it: "node-1", "only node-1", "not node-2", "node-1, not
   * node-2"; empty for any node.
   */
  public String affinityText() {
    StringBuilder b = new StringBuilder();
    node.ifPresent(n -> b.append(strictNode ? "only " : "").append(n));
    notNode.ifPresent(n -> b.append(b.isEmpty() ? "" : ", ").append("not ").append(n));
    return b.toString();
  }

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
