package dev.spool.dashboard;

import dev.spool.State;
import dev.spool.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Which statuses a jobs page shows: every non-empty part must match (values of one part are
 * alternatives), like {@link dev.spool.StatusQuery}.
 *
 * @param queue one queue, or null for all
 * @param batches batch ids ({@code queue:token}): the parts of any of them, whatever their queue
 * @param timestamp the timestamp {@code from} and {@code to} bound; null if unbounded
 */
record JobFilter(
    List<State> states,
    String queue,
    List<String> names,
    List<String> args,
    List<String> batches,
    Timestamp timestamp,
    Instant from,
    Instant to) {

  /** The same filter in these states instead. */
  JobFilter withStates(List<State> states) {
    return new JobFilter(states, queue, names, args, batches, timestamp, from, to);
  }
}
