package dev.spool.cli;

import dev.spool.InvalidRedisUriException;
import dev.spool.RedisTimeoutException;
import dev.spool.Spool;
import dev.spool.SpoolConnectionException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Connects a command to Redis, and puts the failures that its URI explains in the user's terms: a
 * URI the client cannot parse after all (one {@link RedisUriCheck} let through) is bad usage, and a
 * TLS connection that times out says that the server may not speak TLS.
 */
final class RedisConnect {
  private RedisConnect() {}

  /**
   * Builds the Spool.
   *
   * @param uri the Redis URI the builder holds
   * @param origin where it came from, for messages: {@code --redis} or {@code $SPOOL_REDIS}
   * @throws ParameterException if the client cannot parse the URI
   * @throws SpoolConnectionException saying which Redis could not be reached, and why
   */
  static Spool build(Spool.Builder builder, String uri, String origin, CommandLine commandLine) {
    try {
      return builder.build();
    } catch (RedisTimeoutException e) {
      if (RedisUriCheck.isTls(uri)) {
        // A plain-text Redis never answers a TLS handshake: it waits for a line that never ends.
        throw new CommandFailedException(
            e.getMessage() + "; the server may not speak TLS: for a plain-text Redis, use redis://",
            e);
      }
      throw e;
    } catch (InvalidRedisUriException e) {
      throw new ParameterException(
          commandLine,
          origin
              + ": '"
              + Redaction.redact(uri)
              + "' cannot be parsed: use "
              + RedisUriCheck.FORMS
              + ", with / ? # @ % and spaces in a password percent-encoded");
    }
  }
}
