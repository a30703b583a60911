package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.SpoolConnectionException;
import dev.spool.SpoolException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Connects a command to Redis, and puts the failures that its URI explains in the user's terms: a
 * URI the client cannot parse after all (one {@link RedisUriCheck} let through) is bad usage, and a
 * TLS connection that times out says that the server may not speak TLS.
 */
final class RedisConnect {
  // The core's words for a URI it cannot parse (RedisConnection.parse, ClusterUri.invalid).
  private static final String UNPARSEABLE = "invalid Redis ";

  // The core's words for a connection that got no answer in time.
  private static final String TIMED_OUT = "timed out";

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
    } catch (SpoolConnectionException e) {
      if (RedisUriCheck.isTls(uri) && String.valueOf(e.getMessage()).contains(TIMED_OUT)) {
        // A plain-text Redis never answers a TLS handshake: it waits for a line that never ends.
        throw new CommandFailedException(
            e.getMessage() + "; the server may not speak TLS: for a plain-text Redis, use redis://",
            e);
      }
      throw e;
    } catch (SpoolException e) {
      if (e.getClass() == SpoolException.class
          && String.valueOf(e.getMessage()).startsWith(UNPARSEABLE)) {
        throw new ParameterException(
            commandLine,
            origin
                + ": '"
                + Redaction.redact(uri)
                + "' cannot be parsed: use "
                + RedisUriCheck.FORMS
                + ", with / ? # @ % and spaces in a password percent-encoded");
      }
      throw e;
    }
  }
}
