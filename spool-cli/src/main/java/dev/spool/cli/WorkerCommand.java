package dev.spool.cli;

import dev.spool.Queues;
import dev.spool.Spool;
import dev.spool.StopSummary;
import dev.spool.Worker;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spool worker}: a worker node with the handlers of the {@link JobHandlers} on the class
 * path, until Ctrl-C.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a worker node with the job handlers found on the class path, until Ctrl-C (or"
          + " SIGTERM); then stops it gracefully: running jobs may finish, the rest go back to"
          + " their queue. A second Ctrl-C stops it at once, handing the running jobs back"
          + " (exit 130).",
      "Handlers come from implementations of dev.spool.cli.JobHandlers listed in"
          + " META-INF/services/dev.spool.cli.JobHandlers of a jar on the class path: with"
          + " bin/spool, SPOOL_CLASSPATH=handlers.jar spool worker ..."
    })
public final class WorkerCommand extends ClientCommand {
  @Option(
      names = "--queues",
      paramLabel = "Q",
      split = ",",
      description =
          "Fetch from these queues, first listed first (default: the queues of the handled job"
              + " types). Give weights to fetch by weight instead of strict order:"
              + " critical=6,default=3,low=1 (a queue without one weighs 1).")
  List<String> queues;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "" + Worker.Builder.DEFAULT_CONCURRENCY,
      description = "Run at most N jobs at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The node's name (default: <host>-<pid>).")
  String name;

  @Option(
      names = "--lease",
      paramLabel = "TIME",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long a job stays held without a heartbeat from this node (default:"
              + " ${DEFAULT-VALUE}).")
  Duration lease;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "TIME",
      defaultValue = "25s",
      converter = DurationConverter.class,
      description =
          "On Ctrl-C or SIGTERM, how long running jobs may finish before they are interrupted"
              + " and handed back (default: ${DEFAULT-VALUE}).")
  Duration shutdownTimeout;

  @Option(
      names = "--max-hand-backs",
      paramLabel = "N",
      defaultValue = "" + Worker.Builder.DEFAULT_MAX_HAND_BACKS,
      description =
          "A job handed back at N stops (still running at the shutdown timeout) uses an attempt at"
              + " the next one, as a lost lease does, so that a job that outlives every stop does"
              + " not restart forever; 0: every hand-back uses one (default: ${DEFAULT-VALUE}).")
  int maxHandBacks;

  @Option(
      names = "--platform-threads",
      description =
          "Run handlers on platform threads instead of virtual ones: for handlers that keep a CPU"
              + " busy, which would otherwise hold every carrier thread while other jobs wait.")
  boolean platformThreads;

  @Option(
      names = "--keep-succeeded",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Keep the statuses of succeeded jobs for the retention (default); --no-keep-succeeded"
              + " deletes each job as it succeeds, like BullMQ's removeOnComplete.")
  boolean keepSucceeded = true;

  @Option(
      names = "--retention",
      paramLabel = "TIME",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description =
          "How long finished jobs keep their status before this node's pruning deletes it"
              + " (default: ${DEFAULT-VALUE}).")
  Duration retention;

  @Option(
      names = "--dead-max-size",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Dead jobs kept per queue; the oldest are deleted beyond, as jobs die on this node"
              + " (default: ${DEFAULT-VALUE}).")
  long deadMaxSize;

  @Option(
      names = "--dead-max-age",
      paramLabel = "TIME",
      defaultValue = "180d",
      converter = DurationConverter.class,
      description =
          "Dead jobs older than this are deleted, as jobs die on this node (default:"
              + " ${DEFAULT-VALUE}).")
  Duration deadMaxAge;

  /** Where to look for {@link JobHandlers}; null: this class's loader. For tests. */
  ClassLoader handlerLoader;

  /** Handlers to use instead of those on the class path: for {@link AotTrainingCommand}. */
  JobHandlers builtInHandlers;

  /** {@code SPOOL_CLASSPATH}, as {@code bin/spool} put it on the class path. For tests. */
  String handlerClassPath = System.getenv("SPOOL_CLASSPATH");

  /**
   * How long a stop may go on writing outcomes once the handlers ended or were handed back, at
   * most: "for up to 10 s more", says {@link Worker#stop(Duration)}.
   */
  static final Duration STOP_OUTCOMES_BOUND = Duration.ofSeconds(10);

  /** Beyond the stop's own figures, for the summary and what may be slow on a loaded machine. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  private final StopSignal stop = new StopSignal();
  private volatile Worker running;
  private List<JobHandlers> handlers;

  /** Stops the node as Ctrl-C would: for tests. */
  void stop() {
    stop.request();
  }

  /**
   * How long a SIGTERM's shutdown hook waits for the stop before the JVM halts: the stop's worst
   * case, with Redis away: the shutdown timeout for the running handlers, a command timeout for the
   * hand-back, the outcomes' bound, a command timeout for leaving the registry; and a margin. A
   * fixed 60 s halted the JVM in the middle of a longer --shutdown-timeout: running handlers were
   * cut off unhanded back, and the stop's summary was never printed.
   */
  Duration stopBound() {
    Duration commandTimeout = Spool.Builder.DEFAULT_COMMAND_TIMEOUT; // the CLI sets no other
    return shutdownTimeout
        .plus(commandTimeout.multipliedBy(2))
        .plus(STOP_OUTCOMES_BOUND)
        .plus(STOP_MARGIN);
  }

  /** How long the shutdown hook installed for the running node waits for it: for tests. */
  Duration sigtermWait() {
    return stop.finishBound();
  }

  /** Whether the node has started and not stopped yet. */
  boolean isRunning() {
    return running != null;
  }

  @Override
  Spool.Builder settings(Spool.Builder builder) {
    return builder
        .keepSucceeded(keepSucceeded)
        .retention(retention)
        .deadJobsMaxSize(deadMaxSize)
        .deadJobsMaxAge(deadMaxAge);
  }

  @Override
  void validate() {
    if (queues != null) {
      if (queues.isEmpty()) { // "--queues ," would otherwise mean the default queues
        throw usage("--queues names no queue: give one or more, e.g. critical,default");
      }
      Set<String> seen = new HashSet<>();
      for (String q : queues) {
        Queues.Entry e = checked("--queues", () -> Queues.Entry.parse(q));
        if (!seen.add(e.name())) {
          throw usage("--queues names '" + e.name() + "' twice: list each queue once");
        }
      }
    }
    requireWithin("--concurrency", concurrency, 1, Worker.Builder.MAX_CONCURRENCY);
    if (lease.compareTo(Worker.Builder.MIN_LEASE) < 0) {
      throw usage(
          "--lease must be at least "
              + DurationConverter.format(Worker.Builder.MIN_LEASE)
              + ", got "
              + DurationConverter.format(lease));
    }
    requireWithin("--max-hand-backs", maxHandBacks, 0, Worker.Builder.MAX_HAND_BACKS);
    if (deadMaxSize < 1) {
      throw usage("--dead-max-size must be at least 1, got " + deadMaxSize);
    }
    // The rule of dev.spool.NodeNames, checked before the handlers load.
    if (name != null && (name.isBlank() || name.length() > 200 || name.contains("|"))) {
      throw usage("--name must be 1 to 200 characters, not only blanks, and without '|'");
    }
    handlers = loadHandlers();
  }

  private List<JobHandlers> loadHandlers() {
    if (builtInHandlers != null) {
      return List.of(builtInHandlers);
    }
    ClassLoader loader =
        handlerLoader != null ? handlerLoader : WorkerCommand.class.getClassLoader();
    List<JobHandlers> found = new ArrayList<>();
    try {
      Iterator<JobHandlers> it = ServiceLoader.load(JobHandlers.class, loader).iterator();
      while (it.hasNext()) {
        found.add(it.next());
      }
    } catch (ServiceConfigurationError e) {
      throw new CommandFailedException(
          "cannot load job handlers: "
              + e.getMessage().replaceFirst("^dev\\.spool\\.cli\\.JobHandlers: ", ""),
          e);
    }
    List<String> missing = HandlerClassPath.missing(handlerClassPath);
    if (!missing.isEmpty()) {
      throw new CommandFailedException(
          "SPOOL_CLASSPATH names "
              + (missing.size() == 1
                  ? "a jar or folder that does not exist: "
                  : "jars or folders that do not exist: ")
              + String.join(", ", missing));
    }
    if (found.isEmpty()) {
      throw new CommandFailedException(
          "no job handlers on the class path: add a jar that implements dev.spool.cli.JobHandlers"
              + " and lists it in META-INF/services/dev.spool.cli.JobHandlers"
              + " (e.g. SPOOL_CLASSPATH=handlers.jar spool worker); see docs/cli.md");
    }
    return found;
  }

  @Override
  int run(Spool spool) {
    String node = name != null ? name : defaultName();
    Worker.Builder builder =
        spool
            .worker(node)
            .concurrency(concurrency)
            .lease(lease)
            .shutdownTimeout(shutdownTimeout)
            .maxHandBacks(maxHandBacks);
    if (platformThreads) {
      builder.platformThreads();
    }
    if (queues != null) {
      builder.queueList(queues);
    }
    List<String> handlerNames = new ArrayList<>();
    for (JobHandlers h : handlers) {
      String className = h.getClass().getName();
      try {
        h.register(builder);
      } catch (RuntimeException e) {
        throw new CommandFailedException(
            "job handlers " + className + " failed to register: " + ErrorReporter.message(e), e);
      }
      handlerNames.add(className);
    }
    stop.install("spool-worker-stop", stopBound());
    try {
      Worker worker = builder.start();
      running = worker;
      // A second Ctrl-C: the stop under way interrupts the running handlers now.
      stop.onForce(() -> worker.stop(Duration.ZERO));
      // The node stops by itself when another instance took its name: the command ends too.
      worker.whenStopped().whenComplete((summary, e) -> stop.request());
      started(node, spool, handlerNames);
      stop.awaitRequest();
      PrintWriter err = err();
      if (worker.whenStopped().isDone() && !stop.byUser()) {
        err.println(
            "spool: node \""
                + node
                + "\" stopped by itself: another instance took its name while this one was"
                + " presumed dead (no heartbeat reached Redis for "
                + DurationConverter.format(lease)
                + ")");
        err.flush();
        return 1;
      }
      if (stop.byUser()) {
        err.println(); // after the ^C the terminal echoed
      }
      int jobs = worker.running();
      err.println(
          "spool: stopping node \""
              + node
              + "\": waiting for "
              + jobs
              + (jobs == 1 ? " running job" : " running jobs")
              + " (up to "
              + DurationConverter.format(shutdownTimeout)
              + ")"
              + (stop.byCtrlC() ? "; press Ctrl-C again to stop now" : ""));
      err.flush();
      StopSummary summary = worker.stop(stop.forced() ? Duration.ZERO : shutdownTimeout);
      err.println(
          "spool: node \""
              + node
              + "\" stopped"
              + (stop.forced() ? " (forced)" : "")
              + ": "
              + summary.finished()
              + " finished, "
              + summary.handedBack()
              + " handed back"
              + (summary.leftToLease() == 0
                  ? ""
                  : ", "
                      + summary.leftToLease()
                      + " left to their lease (they run again within "
                      + DurationConverter.format(lease)
                      + ")")
              + (summary.killed() == 0 ? "" : ", " + summary.killed() + " killed as requested")
              + (summary.attemptsUsed() == 0
                  ? ""
                  : ", "
                      + summary.attemptsUsed()
                      + " used an attempt (handed back at more than "
                      + maxHandBacks
                      + " stops)"));
      err.flush();
      return stop.forced() ? StopSignal.EXIT_FORCED : 0;
    } finally {
      running = null;
      stop.finished();
      stop.uninstall();
    }
  }

  private void started(String node, Spool spool, List<String> handlerNames) {
    List<Queues.Entry> entries =
        queues == null ? List.of() : queues.stream().map(Queues.Entry::parse).toList();
    List<String> fetched =
        entries.isEmpty() ? null : entries.stream().map(Queues.Entry::name).toList();
    // Weights when any is given (the node fetches by weight then), else null: strict order.
    Map<String, Integer> weights = null;
    if (entries.stream().anyMatch(Queues.Entry::weighted)) {
      weights = new LinkedHashMap<>();
      for (Queues.Entry e : entries) {
        weights.put(e.name(), Math.max(1, e.weight()));
      }
    }
    if (json()) {
      printJson(
          JsonOut.object(
              "name", node,
              "queues", fetched,
              "weights", weights,
              "concurrency", concurrency,
              "lease", DurationConverter.format(lease),
              "handlers", handlerNames,
              "redis", client.redisDisplay(),
              "namespace", spool.namespace()));
    } else {
      PrintWriter out = out();
      out.println(
          "worker "
              + node
              + " started on "
              + client.redisDisplay()
              + " (namespace "
              + spool.namespace()
              + ")");
      String listed =
          weights != null
              ? String.join(
                  ", ",
                  weights.entrySet().stream()
                      .map(w -> w.getKey() + " (weight " + w.getValue() + ")")
                      .toList())
              : fetched == null ? "those of its job types" : String.join(", ", fetched);
      out.println("  queues       " + listed);
      out.println("  concurrency  " + concurrency);
      out.println("  handlers     " + String.join(", ", handlerNames));
      // A worker started with & by a script ignores SIGINT, as POSIX shells want of background
      // jobs: it keeps it ignored, and only SIGTERM stops it then.
      out.println(stop.stopKey() + " stops it.");
    }
    out().flush();
  }

  private static String defaultName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "worker";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
