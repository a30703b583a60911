package dev.spool;

import java.util.List;
import java.util.Map;

/**
 * How a job ended, as its enqueuing application learns it through {@link Spool#outcome}.
 *
 * @param state {@link State#SUCCEEDED}, {@link State#FAILED} (its last attempt failed) or {@link
 *     State#KILLED}
 * @param result what the handler and its callbacks put into the job's context: on success, or, for
 *     a job that died or was killed, what its last attempt put (not the job's arguments, which the
 *     enqueuer holds; see docs/nodes.md)
 * @param errors the errors of the last attempt, as JSON values
 */
public record JobOutcome(JobId id, State state, Map<String, Object> result, List<Object> errors) {
  public boolean succeeded() {
    return state == State.SUCCEEDED;
  }

  static JobOutcome of(JobStatus status) {
    return new JobOutcome(status.id(), status.state(), status.result(), status.errors());
  }

  /** Whether a status is in a state that ends a job. */
  static boolean isFinal(State state) {
    return state == State.SUCCEEDED || state == State.FAILED || state == State.KILLED;
  }
}
