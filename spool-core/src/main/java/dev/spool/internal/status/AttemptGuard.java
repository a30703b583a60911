package dev.spool.internal.status;

import dev.spool.internal.queue.FetchedJob;

/**
 * Which attempt a write to a status must still belong to: a handler's progress, data, errors and
 * log lines land only while its node holds that attempt of that job (lib.lua's holdsAttempt), so a
 * run that lost its lease (its node stalled, the job runs again elsewhere) or whose job number was
 * given to another job after Redis lost its data writes nothing into the new run's status.
 *
 * @param node the node holding the attempt; "" for a write by hand, which any status takes
 */
public record AttemptGuard(String node, int attempt, long recordedAtMicros) {
  /** No guard: writes through the status API ({@code JobStatus}), as jobba's are. */
  public static final AttemptGuard NONE = new AttemptGuard("", 0, 0);

  public static AttemptGuard of(String node, FetchedJob job) {
    return new AttemptGuard(node, job.attempt(), job.recordedAtMicros());
  }

  /** The three script arguments: node ("" for none), attempt, recorded time. */
  String[] args() {
    return new String[] {node, Integer.toString(attempt), Long.toString(recordedAtMicros)};
  }
}
