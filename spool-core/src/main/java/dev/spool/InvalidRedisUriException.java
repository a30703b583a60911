package dev.spool;

/**
 * The Redis URI given to Spool cannot be used: it does not parse, or a Redis Cluster URI is not of
 * the form Spool takes. A setting to fix, not a fault of Redis: nothing was sent. The message says
 * what is wrong and which forms work; it never repeats the URI's password.
 */
public class InvalidRedisUriException extends SpoolException {
  public InvalidRedisUriException(String message) {
    super(message);
  }
}
