package dev.spool;

/**
 * Redis could not be reached, or stopped answering, while Spool needed it. Nothing was written: an
 * enqueue that throws this did not queue the job.
 */
public class SpoolConnectionException extends SpoolException {
  public SpoolConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
