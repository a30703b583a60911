package dev.spool;

/**
 * Redis did not answer in time: a TCP connect that timed out, a server that accepted the connection
 * and never answered it (within the command timeout), a TLS handshake that never completed (say a
 * plain-text Redis behind a {@code rediss://} URI), or a command with no answer within the command
 * timeout (a frozen or overloaded Redis). As for every {@link SpoolConnectionException}, an enqueue
 * that fails with it was not sent; one that was sent and got no answer fails with {@link
 * EnqueueOutcomeUnknownException} instead.
 */
public class RedisTimeoutException extends SpoolConnectionException {
  public RedisTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
