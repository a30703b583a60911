package dev.spool.internal.queue;

/**
 * What Redis made of a failed attempt the node sent ({@code fail.lua}, {@code postpone.lua}): not
 * always what the node asked for, since a kill requested while the attempt ran ends the job killed
 * rather than retried.
 */
public enum FailureRecorded {
  /** Not recorded: the node no longer holds this attempt (its lease lapsed, or the job is gone). */
  NOT_HELD,
  RETRY_SCHEDULED,
  DEAD,
  KILLED,
  POSTPONED;

  /** Whether the outcome took effect. */
  public boolean recorded() {
    return this != NOT_HELD;
  }

  /** The reply of fail.lua: 0 not held, 1 retry, 2 dead, 3 killed. */
  static FailureRecorded ofFailScript(long code) {
    return switch ((int) code) {
      case 1 -> RETRY_SCHEDULED;
      case 2 -> DEAD;
      case 3 -> KILLED;
      default -> NOT_HELD;
    };
  }

  /** The reply of postpone.lua: 0 not held, 1 postponed, 2 killed. */
  static FailureRecorded ofPostponeScript(long code) {
    return switch ((int) code) {
      case 1 -> POSTPONED;
      case 2 -> KILLED;
      default -> NOT_HELD;
    };
  }
}
