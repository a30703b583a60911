package dev.spool.cli;

import dev.spool.InvalidRedisUriException;
import dev.spool.RedisTimeoutException;
import dev.spool.Spool;
import dev.spool.SpoolConnectionException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Connects a command to Redis, and puts the failures that its URI explains in the user's terms: a
 * malformed URI is bad usage (exit code 2), said as the library says it, and a TLS connection that
 * times out says that the server may not speak TLS.
 */
final class RedisConnect {
  private RedisConnect() {}

  /**
   * What is wrong with the URI, in words for the user after the option's name (starting with the
   * URI, quoted and redacted), as {@link Spool.Builder#redis} finds it; null if nothing.
   */
  static String problem(String uri) {
    try {
      Spool.builder().redis(uri); // validates, connects to nothing
      return null;
    } catch (InvalidRedisUriException e) {
      return Redaction.redact(e.problem());
    }
  }

  /** Whether the URI asks for TLS ({@code rediss://}, {@code rediss-sentinel://}…). */
  static boolean isTls(String uri) {
    return uri != null && uri.strip().toLowerCase(Locale.ROOT).startsWith("rediss");
  }

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
      if (isTls(uri)) {
        // A plain-text Redis never answers a TLS handshake: it waits for a line that never ends.
        throw new CommandFailedException(
            e.getMessage() + "; the server may not speak TLS: for a plain-text Redis, use redis://",
            e);
      }
      throw e;
    } catch (InvalidRedisUriException e) {
      throw new ParameterException(commandLine, origin + ": " + Redaction.redact(e.problem()));
    }
  }
}
