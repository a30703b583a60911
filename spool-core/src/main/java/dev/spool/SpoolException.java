package dev.spool;

/** The root of every exception Spool throws. Unchecked: callers decide where to handle it. */
public class SpoolException extends RuntimeException {
  public SpoolException(String message) {
    super(message);
  }

  public SpoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
