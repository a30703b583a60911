package dev.spool.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --verbose} option, mixed into every command: stack traces on errors, and the log of
 * Spool and of the embedded Redis at info level. Process-wide, as logging is.
 */
public final class Verbosity {
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final String LOGGER_LEVEL_PREFIX = "org.slf4j.simpleLogger.log.";

  /** Loggers simplelogger.properties turns down to error that {@code --verbose} turns up again. */
  private static final List<String> QUIETED_LOGGERS =
      List.of(
          "io.lettuce.core.RedisClient",
          "io.lettuce.core.RedisChannelHandler",
          "io.lettuce.core.cluster.topology.DefaultClusterTopologyRefresh");

  private static volatile boolean verbose;

  @Option(
      names = "--verbose",
      order = 103,
      description = "Show stack traces on errors and the log of Spool and Redis.")
  void setVerbose(boolean value) {
    if (value) {
      verbose = true;
      // Read by slf4j-simple when the first logger is made, which is after parsing.
      System.setProperty(LOG_LEVEL_PROPERTY, "info");
      for (String logger : QUIETED_LOGGERS) {
        System.setProperty(LOGGER_LEVEL_PREFIX + logger, "warn");
      }
    }
  }

  /**
   * Turns one logger down to errors unless {@code --verbose} (call after parsing, before the logger
   * is made): for warnings a command reports in its own way.
   */
  static void quietUnlessVerbose(String logger) {
    if (!verbose) {
      System.setProperty(LOGGER_LEVEL_PREFIX + logger, "error");
    }
  }

  /**
   * Silences what libraries write to stderr from now on (their log included), unless {@code
   * --verbose}: for when they can only repeat a failure that is expected and explained. The
   * commands' own output is unaffected: it goes through picocli's writers, made earlier.
   */
  static void muteLibraryLogs() {
    if (!verbose) {
      System.setErr(new PrintStream(OutputStream.nullOutputStream(), true));
    }
  }

  /** Whether {@code --verbose} was given on this command line. */
  public static boolean isVerbose() {
    return verbose;
  }
}
