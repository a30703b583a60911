package dev.spool;

/**
 * Thrown by a handler whose failure no retry can mend (a record that no longer exists, arguments a
 * later attempt would reject too): the attempt fails and the job goes to the dead set at once,
 * whatever attempts its {@link Retry} policy has left, as BullMQ's {@code UnrecoverableError} does.
 * Its errbacks run and its status records the error, as for any failure.
 *
 * <p>To make whole exception classes final without wrapping them, name them in {@link
 * Retry#withNoRetryFor}.
 */
public class UnrecoverableJobException extends RuntimeException {
  public UnrecoverableJobException(String message) {
    super(message);
  }

  public UnrecoverableJobException(String message, Throwable cause) {
    super(message, cause);
  }
}
