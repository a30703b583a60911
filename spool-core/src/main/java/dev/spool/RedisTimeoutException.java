package dev.spool;

/**
 * Redis did not answer in time: a connection that got no answer within the connect timeout (a
 * server that accepts the connection and never speaks, say a plain-text Redis behind a {@code
 * rediss://} URI), or a command that got none within the command timeout (a frozen or overloaded
 * Redis). As for every {@link SpoolConnectionException}, an enqueue that fails with it was not
 * sent; one that was sent and got no answer fails with {@link EnqueueOutcomeUnknownException}
 * instead.
 */
public class RedisTimeoutException extends SpoolConnectionException {
  public RedisTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
