package dev.spool;

/**
 * Redis could not be reached, or the connection was lost, while Spool needed it. For an enqueue it
 * means the command was never sent: the job was not queued, and enqueuing it again is safe. (An
 * enqueue that was sent but got no answer throws {@link EnqueueOutcomeUnknownException} instead.)
 */
public class SpoolConnectionException extends SpoolException {
  public SpoolConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
