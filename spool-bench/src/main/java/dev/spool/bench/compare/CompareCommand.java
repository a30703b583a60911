package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.Spool;
import dev.spool.bench.Checkout;
import dev.spool.bench.CommonOptions;
import dev.spool.bench.RedisProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench compare}: Spool and BullMQ side by side, each as separate worker and enqueuer
 * processes against one private redis-server, alternating run by run; prints a JSON line per run,
 * then one table of medians with the Spool/BullMQ ratios and a summary JSON line.
 *
 * <p>Exit codes: 0 every run verified, 1 a run failed or a job started early, 2 it could not start.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Spool vs BullMQ side by side (docs/benchmarks.md): W1 throughput with INCR and no-op"
          + " handlers, worker CPU and memory, Redis CPU, bulk enqueue, W2 latency, W3 delayed"
          + " jobs, single-enqueue CPU and the Redis ceiling; separate worker and enqueuer"
          + " processes, one private redis-server, runs alternating.",
      "Prints one JSON line per run, then a table of medians (min–max) and a summary JSON line;"
          + " progress goes to stderr, process logs to --out."
    })
public final class CompareCommand implements Callable<Integer> {
  static final int EXIT_FAILED_RUN = 1;
  static final int EXIT_SETUP = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "3",
      description = "Runs of every workload on every system. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--systems",
      paramLabel = "S",
      split = ",",
      defaultValue = "spool,bullmq",
      description = "spool, bullmq or both. Default: ${DEFAULT-VALUE}.")
  List<String> systems;

  @Option(
      names = "--workloads",
      paramLabel = "W",
      split = ",",
      defaultValue = "incr,noop,latency,delayed,single",
      description =
          "Of incr (W1, INCR handlers), noop (W1, no-op handlers), latency (W2), delayed (W3),"
              + " single (single enqueues back to back). Default: ${DEFAULT-VALUE}.")
  List<String> workloads;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      defaultValue = "100000",
      description = "W1 jobs per run. Default: ${DEFAULT-VALUE}.")
  int jobs;

  @Option(
      names = "--chunk",
      paramLabel = "N",
      defaultValue = "1000",
      description = "W1 bulk enqueue chunk. Default: ${DEFAULT-VALUE}.")
  int chunk;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "200",
      description = "Concurrency of every worker process. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(
      names = "--rates",
      paramLabel = "R",
      split = ",",
      defaultValue = "500,1000",
      description = "W2 rates, jobs/s. Default: ${DEFAULT-VALUE}.")
  List<Integer> rates;

  @Option(
      names = "--latency-seconds",
      paramLabel = "S",
      defaultValue = "10",
      description = "W2 measured seconds per rate. Default: ${DEFAULT-VALUE}.")
  int latencySeconds;

  @Option(
      names = "--single-jobs",
      paramLabel = "N",
      defaultValue = "20000",
      description =
          "Single enqueues sent back to back, after the warm-up. Default: ${DEFAULT-VALUE}.")
  int singleJobs;

  @Option(
      names = "--delayed-jobs",
      paramLabel = "N",
      defaultValue = "5000",
      description = "W3 delayed jobs. Default: ${DEFAULT-VALUE}.")
  int delayedJobs;

  @Option(
      names = "--delayed-seconds",
      paramLabel = "S",
      defaultValue = "10",
      description = "W3 jobs are due over this many seconds. Default: ${DEFAULT-VALUE}.")
  int delayedSeconds;

  @Option(
      names = "--warm",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "W2/W3/single warm-up jobs each fresh enqueuer sends first (then idles --idle-ms)."
              + " Default: ${DEFAULT-VALUE}.")
  int warm;

  @Option(
      names = "--idle-ms",
      paramLabel = "MS",
      defaultValue = "1000",
      description = "Idle after the warm-up. Default: ${DEFAULT-VALUE}.")
  long idleMs;

  @Option(
      names = "--ceiling-ops",
      paramLabel = "N",
      defaultValue = "200000",
      description = "Pipelined INCRs of the Redis ceiling, per round. Default: ${DEFAULT-VALUE}.")
  int ceilingOps;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "Bound of every phase of a run. Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Option(
      names = "--spool-worker-arg",
      paramLabel = "ARG",
      description =
          "An extra argument for every `spool worker` the comparison starts (repeatable).")
  List<String> spoolWorkerArgs = new ArrayList<>();

  @Option(
      names = "--consolidate-handler-flushes",
      description =
          "The Spool handlers' own Lettuce connection writes the commands queued meanwhile in one"
              + " system call (Netty's FlushConsolidationHandler; docs/operations.md). BullMQ's"
              + " handlers keep ioredis's defaults.")
  boolean consolidateHandlerFlushes;

  @Option(
      names = "--spool-variant",
      paramLabel = "ARGS",
      description =
          "Adds a third column: Spool whose `spool worker` also gets these arguments (split at"
              + " spaces), e.g. an option not to keep statuses of succeeded jobs. Hook: no such"
              + " option is assumed.")
  String spoolVariant;

  @Option(
      names = "--redis-server",
      paramLabel = "PATH",
      description =
          "The redis-server to start. Default: $SPOOL_REDIS_SERVER, else redis-server on the"
              + " PATH, else bench/compare/.redis/redis-server (bench/compare/fetch-redis.sh),"
              + " else the embedded one.")
  Path redisServer;

  @Option(
      names = "--node",
      paramLabel = "PATH",
      description = "Node.js. Default: node on the PATH.")
  Path node;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "The Spool checkout (bin/spool, bench/compare). Default: found from this jar.")
  Path root;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where process logs and results go. Default: <root>/.spool/compare/<time>.")
  Path out;

  public CompareCommand() {}

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Setup setup;
    try {
      setup = setUp(err);
    } catch (RuntimeException e) {
      err.println("spool bench compare: cannot start: " + e.getMessage());
      err.flush();
      return EXIT_SETUP;
    }
    try (setup) {
      return compare(setup, stdout, err);
    }
  }

  /** What the runs need, made once; closing it stops the Redis and the helpers. */
  private record Setup(
      Path root,
      Path outDir,
      PrivateRedis redis,
      RedisProbe probe,
      List<ComparedSystem> systems,
      NodeRuntime node,
      List<Workload> workloads)
      implements AutoCloseable {
    @Override
    public void close() {
      systems.forEach(ComparedSystem::close);
      probe.close();
      redis.close();
    }
  }

  private Setup setUp(PrintWriter err) {
    validate();
    Path checkout = root != null ? root.toAbsolutePath() : Checkout.find();
    Path outDir =
        out != null
            ? out.toAbsolutePath()
            : checkout.resolve(".spool/compare").resolve(stamp(Instant.now()));
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + outDir, e);
    }
    err.println("spool bench compare: logs and results in " + outDir);
    err.flush();
    NodeRuntime nodeRuntime = null;
    if (systems.contains("bullmq")) {
      nodeRuntime = NodeRuntime.prepare(checkout.resolve("bench/compare"), node, outDir, err);
    }
    Path launcher = checkout.resolve("bin/spool");
    if (systems.contains("spool") && !Files.isExecutable(launcher)) {
      throw new IllegalStateException("no executable " + launcher + " (give --root)");
    }
    List<ComparedSystem> compared = new ArrayList<>();
    // BullMQ's column first, as in the issue's table
    if (nodeRuntime != null) {
      compared.add(new BullmqSystem(nodeRuntime));
    }
    if (systems.contains("spool")) {
      compared.add(
          new SpoolSystem(
              "spool", "Spool", launcher, spoolWorkerArgs, consolidateHandlerFlushes, outDir));
      if (spoolVariant != null && !spoolVariant.isBlank()) {
        List<String> variantArgs = new ArrayList<>(spoolWorkerArgs);
        variantArgs.addAll(List.of(spoolVariant.trim().split("\\s+")));
        compared.add(
            new SpoolSystem(
                "spool-variant",
                "Spool " + spoolVariant.trim(),
                launcher,
                variantArgs,
                consolidateHandlerFlushes,
                outDir));
      }
    }
    PrivateRedis redis = PrivateRedis.start(redisServer, checkout, outDir);
    RedisProbe probe;
    try {
      probe = RedisProbe.connect(redis.uri);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
    List<Workload> list = new ArrayList<>();
    for (String w : new LinkedHashSet<>(workloads)) {
      switch (w) {
        case "incr" -> list.add(new ThroughputWorkload(true, jobs, chunk));
        case "noop" -> list.add(new ThroughputWorkload(false, jobs, chunk));
        case "latency" ->
            rates.forEach(r -> list.add(LatencyWorkload.paced(r, latencySeconds, warm, idleMs)));
        case "delayed" ->
            list.add(new DelayedWorkload(delayedJobs, delayedSeconds, 1000, warm, idleMs));
        case "single" -> list.add(LatencyWorkload.backToBack(singleJobs, warm, idleMs));
        default -> throw new IllegalStateException("unreachable: " + w);
      }
    }
    return new Setup(checkout, outDir, redis, probe, compared, nodeRuntime, list);
  }

  void validate() {
    Set<String> knownSystems = Set.of("spool", "bullmq");
    Set<String> knownWorkloads = Set.of("incr", "noop", "latency", "delayed", "single");
    require(runs >= 1, "--runs must be at least 1, got " + runs);
    require(
        !systems.isEmpty() && knownSystems.containsAll(systems),
        "--systems must be of spool, bullmq; got " + systems);
    require(
        !workloads.isEmpty() && knownWorkloads.containsAll(workloads),
        "--workloads must be of incr, noop, latency, delayed, single; got " + workloads);
    require(jobs >= 1, "--jobs must be positive, got " + jobs);
    require(chunk >= 1, "--chunk must be positive, got " + chunk);
    CommonOptions.requireConcurrency("--concurrency", concurrency);
    require(
        rates.stream().allMatch(r -> r >= 1 && r <= 100_000),
        "--rates must be in [1, 100000], got " + rates);
    require(latencySeconds >= 1, "--latency-seconds must be at least 1, got " + latencySeconds);
    require(delayedJobs >= 1, "--delayed-jobs must be positive, got " + delayedJobs);
    require(singleJobs >= 1, "--single-jobs must be positive, got " + singleJobs);
    require(delayedSeconds >= 1, "--delayed-seconds must be at least 1, got " + delayedSeconds);
    require(warm >= 0, "--warm must be >= 0, got " + warm);
    require(idleMs >= 0, "--idle-ms must be >= 0, got " + idleMs);
    require(ceilingOps >= 1000, "--ceiling-ops must be at least 1000, got " + ceilingOps);
    require(timeoutSeconds >= 10, "--timeout must be at least 10 s, got " + timeoutSeconds);
    require(
        spoolVariant == null || systems.contains("spool"),
        "--spool-variant needs spool in --systems");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private int compare(Setup setup, PrintWriter stdout, PrintWriter err) {
    Comparison c =
        new Comparison(
            setup.redis().uri,
            setup.probe(),
            setup.root(),
            setup.outDir(),
            concurrency,
            Duration.ofSeconds(timeoutSeconds),
            err);
    Instant started = Instant.now();
    double loadAtStart = Comparison.load1();
    Path jsonl = setup.outDir().resolve("runs.jsonl");
    List<RunRecord> records = new ArrayList<>();
    String workerCommand = "";
    for (int run = 1; run <= runs; run++) {
      records.add(emit(ceiling(c, run), stdout, jsonl));
      List<ComparedSystem> order = rotated(setup.systems(), run - 1);
      for (Workload w : setup.workloads()) {
        for (ComparedSystem s : order) {
          c.progress("[run %d/%d] %s on %s".formatted(run, runs, w.id(), s.id()));
          RunRecord r;
          double load = Comparison.load1();
          try {
            r = w.run(s, run, c);
          } catch (RuntimeException e) {
            r = new RunRecord(w.id(), s.id(), run);
            r.problem("error: " + e);
            e.printStackTrace(err);
          }
          r.note("load1AtStart", Double.toString(load));
          if (!r.verified()) {
            c.progress(
                "[run %d/%d] %s on %s FAILED: %s".formatted(run, runs, w.id(), s.id(), r.problems));
          }
          if (s.id().equals("spool") && workerCommand.isEmpty()) {
            workerCommand = r.notes.getOrDefault("workerCommand", "");
          }
          records.add(emit(r, stdout, jsonl));
        }
      }
    }
    List<CompareReport.Column> columns =
        setup.systems().stream().map(s -> new CompareReport.Column(s.id(), s.heading())).toList();
    CompareReport report = new CompareReport(columns, records);
    List<Figure> figures = Figure.rows(rates, chunk, delayedJobs, singleJobs);
    StringBuilder text = new StringBuilder();
    text.append('\n');
    header(text, setup, started, loadAtStart, workerCommand);
    text.append('\n').append(report.table(figures, runs)).append('\n');
    footnotes(text);
    List<String> failures = new ArrayList<>();
    for (RunRecord r : records) {
      r.problems.forEach(
          p -> failures.add("FAILED " + r.workload + " " + r.system + " run " + r.run + ": " + p));
      r.warnings.forEach(
          p -> failures.add("WARNING " + r.workload + " " + r.system + " run " + r.run + ": " + p));
    }
    if (!failures.isEmpty()) {
      text.append('\n');
      failures.forEach(f -> text.append(f).append('\n'));
    }
    stdout.print(text);
    ObjectNode summary = report.summary(figures);
    summary.put("startedAt", started.toString());
    summary.put("redis", setup.probe().version() + " (" + setup.redis().source + ")");
    if (setup.node() != null) {
      summary.put("bullmq", setup.node().bullmqVersion);
      summary.put("ioredis", setup.node().ioredisVersion);
      summary.put("node", setup.node().nodeVersion);
    }
    summary.put("spool", spoolVersion());
    summary.put("java", Runtime.version().toString());
    summary.put("runsEach", runs);
    stdout.println(summary);
    stdout.flush();
    try {
      Files.writeString(setup.outDir().resolve("table.md"), text);
      Files.writeString(
          jsonl, summary + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      err.println("spool bench compare: cannot write the results to " + setup.outDir() + ": " + e);
    }
    return summary.get("verified").asBoolean() ? 0 : EXIT_FAILED_RUN;
  }

  /** W7-like: INCRs pipelined and one round trip at a time, from this JVM, before each round. */
  private RunRecord ceiling(Comparison c, int run) {
    RunRecord r = new RunRecord("ceiling", Figure.REDIS, run);
    c.flush();
    try {
      RedisProbe.Ceiling ceiling =
          c.probe.ceiling(
              "compare:ceiling:", ceilingOps, 1000, Math.max(1000, ceilingOps / 10), c.timeout);
      r.put("pipelinedIncrPerSec", ceiling.pipelinedOpsPerSec());
      r.put("roundTripIncrPerSec", ceiling.roundTripOpsPerSec());
      r.check(ceiling.verified(), "the ceiling's counters are off (or it timed out)");
      c.progress(
          "[run %d/%d] Redis ceiling: %.0f INCR/s pipelined, %.0f INCR/s one round trip at a time"
              .formatted(run, runs, ceiling.pipelinedOpsPerSec(), ceiling.roundTripOpsPerSec()));
    } catch (RuntimeException e) {
      r.problem("error: " + e);
    }
    return r;
  }

  private static RunRecord emit(RunRecord r, PrintWriter stdout, Path jsonl) {
    String line = r.json().toString();
    stdout.println(line);
    stdout.flush();
    try {
      Files.writeString(jsonl, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // stdout has it; the file is a convenience
    }
    return r;
  }

  /** The systems in order, rotated by {@code by}: who goes first alternates run by run. */
  static <T> List<T> rotated(List<T> list, int by) {
    List<T> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      out.add(list.get((i + by) % list.size()));
    }
    return out;
  }

  private void header(
      StringBuilder t, Setup setup, Instant started, double loadAtStart, String workerCommand) {
    t.append("## bench compare, ")
        .append(
            DateTimeFormatter.ISO_INSTANT.format(
                started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .append('\n');
    t.append("- machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores (")
        .append(cpuModel())
        .append("), load average ")
        .append(String.format(Locale.ROOT, "%.2f", loadAtStart))
        .append(" at the start, ")
        .append(String.format(Locale.ROOT, "%.2f", Comparison.load1()))
        .append(" at the end\n");
    t.append("- Redis ")
        .append(setup.probe().version())
        .append(" from ")
        .append(setup.redis().source)
        .append(", 127.0.0.1, persistence ")
        .append(setup.probe().persistence())
        .append(", flushed before every run\n");
    if (setup.node() != null) {
      t.append("- BullMQ ")
          .append(setup.node().bullmqVersion)
          .append(" with ioredis ")
          .append(setup.node().ioredisVersion)
          .append(" on Node ")
          .append(setup.node().nodeVersion)
          .append(": one `node worker.mjs` process, concurrency ")
          .append(concurrency)
          .append(", removeOnComplete; enqueuers `node enqueue.mjs`\n");
    }
    if (systems.contains("spool")) {
      t.append("- Spool ")
          .append(spoolVersion())
          .append(" on Java ")
          .append(Runtime.version())
          .append(": one `bin/spool worker --concurrency ")
          .append(concurrency)
          .append(spoolWorkerArgs.isEmpty() ? "" : " " + String.join(" ", spoolWorkerArgs))
          .append("` process; enqueuers `bin/spool bench compare-enqueuer`\n");
      if (!workerCommand.isEmpty()) {
        t.append("- the Spool worker's command line: `").append(workerCommand).append("`\n");
      }
      if (consolidateHandlerFlushes) {
        t.append("- the Spool handlers' Lettuce connection consolidates flushes\n");
      }
      if (spoolVariant != null) {
        t.append("- variant column: `spool worker ... ").append(spoolVariant.trim()).append("`\n");
      }
    }
    t.append("- ")
        .append(runs)
        .append(" runs of every workload on every system, alternating which goes first;")
        .append(" cells are median (min–max) of the verified runs; W1 ")
        .append(jobs)
        .append(" jobs;")
        .append(" W2 ")
        .append(latencySeconds)
        .append(" s per rate; W3 ")
        .append(delayedJobs)
        .append(" jobs over ")
        .append(delayedSeconds)
        .append(" s; ")
        .append(singleJobs)
        .append(" single enqueues back to back; enqueuers warm up with ")
        .append(warm)
        .append(" jobs and ")
        .append(idleMs)
        .append(" ms idle\n");
  }

  private static void footnotes(StringBuilder t) {
    t.append(
        """
        (1) From the worker process's start (a cold process: JVM or Node start-up included) until \
        all jobs are done, as Redis counts them: the INCR counter = N, or the queue's own count.
        (2) The same, from the moment the first job was seen done: start-up left out.
        (3) The worker process's user + system CPU time (/proc/<pid>/stat, all threads, handlers \
        and start-up included) ÷ jobs; its peak RSS is VmHWM from /proc/<pid>/status.
        (4) Redis's used_cpu_sys + used_cpu_user (INFO cpu) over the same span ÷ jobs.
        (5) A fresh enqueuer process, chunks enqueued one after the other (enqueueAll / addBulk), \
        timed from its first chunk to its last reply.
        (6) Single enqueues at a fixed rate from a fresh process, after its warm-up; each job \
        carries its send time (monotonic clock) and its handler pushes start − send time to a list.
        (7) Delayed jobs due evenly over the window, scheduled by a fresh process after its \
        warm-up; each handler pushes start − due time (wall clock, µs) to a list.
        (8) The enqueuer process's CPU time over the measured phase ÷ jobs (after its warm-up).
        (9) INCR from the harness's JVM, 1 000 per pipelined batch, and one at a time: what this \
        Redis and machine allowed during the comparison.
        (10) Single enqueues one after another, each awaited, from a fresh process after as many \
        warm-up jobs as (6), also back to back: it sleeps only while each answer comes, not until \
        a send time; a worker runs the jobs meanwhile, on the same cores.
        """);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown CPU";
  }

  static String stamp(Instant t) {
    return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(t);
  }

  /** The version of the running Spool, with the checkout's git commit when it can tell. */
  private String spoolVersion() {
    String v = Spool.class.getPackage().getImplementationVersion();
    String version = v == null ? "(development build)" : v;
    String commit = git("rev-parse", "--short", "HEAD");
    if (!commit.isEmpty()) {
      String dirty = git("status", "--porcelain", "--untracked-files=no");
      version += " @" + commit + (dirty.isEmpty() ? "" : "+changes");
    }
    return version;
  }

  private String git(String... args) {
    return Checkout.git(root != null ? root : Checkout.findOrNull(), args);
  }
}
