package dev.spool;

/**
 * The Redis URI given to Spool cannot be used: it does not parse, or a Redis Cluster URI is not of
 * the form Spool takes. A setting to fix, not a fault of Redis: nothing was sent. The message says
 * what is wrong and which forms work; it never repeats the URI's password.
 */
public class InvalidRedisUriException extends SpoolException {
  private final String problem;

  public InvalidRedisUriException(String message) {
    this(message, message);
  }

  /**
   * @param problem what is wrong, starting with the URI quoted (without its password), as in {@code
   *     'redis://host:x': the port 'x' of 'host:x' is not a number from 1 to 65535}
   */
  public InvalidRedisUriException(String message, String problem) {
    super(message);
    this.problem = problem;
  }

  /**
   * What is wrong, starting with the URI quoted (without its password) and without the list of
   * forms Spool takes, which the message adds: for a program that puts it in words of its own.
   */
  public String problem() {
    return problem;
  }
}
