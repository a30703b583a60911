package dev.spool;

/**
 * Redis could not be reached, or the connection was lost, while Spool needed it; or Redis refused
 * the call without running it, as it refuses every call for a while (LOADING its data after a
 * restart, BUSY with a script past its time limit, a replica cut off from its master, READONLY
 * after a failover demoted it). For an enqueue it means the command never ran: the job was not
 * queued, and enqueuing it again is safe. (An enqueue that was sent but got no answer throws {@link
 * EnqueueOutcomeUnknownException} instead.)
 */
public class SpoolConnectionException extends SpoolException {
  public SpoolConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
