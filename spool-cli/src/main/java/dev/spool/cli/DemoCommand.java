package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.dashboard.SpoolDashboard;
import dev.spool.testkit.SpoolRedis;
import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code spool demo}: two worker nodes and a mixed workload to watch, on an embedded redis-server
 * (or a given Redis), then a summary that accounts for every job.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs worker nodes and a mixed workload you can watch: quick jobs, delayed jobs, urgent"
          + " jobs, a recurring job, a batch of 1000 parts with its on-complete job, unique jobs"
          + " being rejected, jobs that succeed on a retry, jobs that end in the dead set, and a"
          + " long job killed on request.",
      "Then prints a summary that accounts for every job. The live view goes to stderr, the"
          + " summary to stdout."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Verbosity verbosity;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "Use this Redis, redis://[:password@]host:port[/db], instead of starting a"
              + " redis-server for the demo.")
  String redis;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "How long to enqueue jobs, e.g. 20s, 2m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--recurring-every",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "The interval of the recurring heartbeat job, at least 1s (default: 5s, or 2s when"
              + " --duration is under 20s).")
  Duration recurringEvery;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "2",
      description = "Worker nodes to start, node-1 to node-N (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "8",
      description = "Jobs each node runs at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--drain",
      paramLabel = "TIME",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description =
          "Once enqueueing stops, wait at most this long for the queues to empty"
              + " (default: ${DEFAULT-VALUE}).")
  Duration drain;

  @Option(
      names = "--namespace",
      paramLabel = "PREFIX",
      description = "Prefix of the demo's Redis keys (default: a fresh spool-demo-xxxxxx).")
  String namespace;

  @Option(
      names = "--dashboard-port",
      paramLabel = "P",
      defaultValue = "8080",
      description =
          "Serve the web dashboard on 127.0.0.1 at this port while the demo runs, or a free one if"
              + " it is taken; 0 for a free one (default: ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(names = "--no-dashboard", description = "Do not serve the web dashboard.")
  boolean noDashboard;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(
      names = "--plain",
      description =
          "Print one status line per second instead of redrawing the view in place"
              + " (the default when not on a terminal).")
  boolean plain;

  @Override
  public Integer call() {
    validate();
    // The demo's dead jobs die on purpose and are summed up at the end: a worker's warning for
    // each would break the live view.
    Verbosity.quietUnlessVerbose("dev.spool.internal.worker.JobRunner");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String ns = namespace != null ? namespace : freshNamespace();
    StopSignal stop = new StopSignal().install("spool-demo-stop");
    SpoolRedis embedded = null;
    try {
      String uri = redis;
      if (uri == null) {
        err.println("Starting a redis-server...");
        err.flush();
        embedded = SpoolRedis.dedicated();
        uri = embedded.uri();
      }
      Redaction.remember(uri);
      Spool spool =
          RedisConnect.build(
              Spool.builder().redis(uri).namespace(ns), uri, "--redis", spec.commandLine());
      DemoRun.Settings settings =
          new DemoRun.Settings(
              Redaction.redact(uri),
              embedded != null,
              embedded != null && embedded.ownSession(),
              ns,
              duration,
              drain,
              workers,
              concurrency,
              recurringEvery());
      DemoSummary summary;
      SpoolDashboard dashboard =
          noDashboard ? null : DemoDashboard.start(spool, dashboardPort, err);
      try {
        summary = new DemoRun(spool, settings, err, !plain && isTerminal(), stop).run();
      } catch (RuntimeException e) {
        spool.close();
        throw e;
      } finally {
        if (dashboard != null) {
          dashboard.stop();
        }
      }
      if (!summary.fromRedis() && embedded != null) {
        // Ctrl-C: the redis-server is gone and the JVM is exiting; closing the nodes now would
        // only wait for acknowledgements that cannot be written.
        embedded = null;
      } else {
        spool.close();
      }
      if (json) {
        out.println(summary.json());
      } else {
        out.println();
        out.print(summary.table());
      }
      out.flush();
      long unaccounted = summary.total().unaccounted();
      if (unaccounted != 0) {
        err.println(
            "spool: "
                + Math.abs(unaccounted)
                + " jobs are unaccounted for (a bug: please report it with this output)");
        err.flush();
        return ErrorReporter.FAILED;
      }
      return stop.forced() ? StopSignal.EXIT_FORCED : 0;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      stop.finished();
      stop.uninstall();
    }
  }

  /** The heartbeat's interval: as given, else 5 s, or 2 s for a short demo to see a few runs. */
  private Duration recurringEvery() {
    if (recurringEvery != null) {
      return recurringEvery;
    }
    return duration.compareTo(Duration.ofSeconds(20)) < 0
        ? Duration.ofSeconds(2)
        : Duration.ofSeconds(5);
  }

  private void validate() {
    if (dashboardPort < 0 || dashboardPort > 65_535) {
      throw new ParameterException(
          spec.commandLine(), "--dashboard-port must be in [0, 65535], got " + dashboardPort);
    }
    if (workers < 1 || workers > 64) {
      throw new ParameterException(
          spec.commandLine(), "--workers must be in [1, 64], got " + workers);
    }
    if (concurrency < 1 || concurrency > 1000) {
      throw new ParameterException(
          spec.commandLine(), "--concurrency must be in [1, 1000], got " + concurrency);
    }
    if (recurringEvery != null && recurringEvery.toMillis() < 1000) {
      throw new ParameterException(
          spec.commandLine(),
          "--recurring-every must be at least 1s, got " + DurationConverter.format(recurringEvery));
    }
    if (redis != null) {
      Redaction.remember(redis);
      String problem = RedisConnect.problem(redis);
      if (problem != null) {
        throw new ParameterException(spec.commandLine(), "--redis: " + problem);
      }
    }
    if (namespace != null) {
      try {
        Spool.builder().namespace(namespace); // validates, connects to nothing
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--namespace: " + e.getMessage());
      }
    }
  }

  private static String freshNamespace() {
    String suffix =
        Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    return "spool-demo-" + "0".repeat(6 - suffix.length()) + suffix;
  }

  /** Whether stdout is a terminal that can redraw in place. */
  static boolean isTerminal() {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // Java 22+: System.console() may exist without a terminal; isTerminal() tells.
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // Java 21: a console is a terminal
    }
  }
}
