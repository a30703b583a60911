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
 * @param timestamp the timestamp {@code from} and {@code to} bound; null if unbounded
 */
record JobFilter(
    List<State> states,
    String queue,
    List<String> names,
    List<String> args,
    Timestamp timestamp,
    Instant from,
    Instant to) {}
