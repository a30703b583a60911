package dev.spool.bench.scripts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.Spool;
import dev.spool.bench.BenchJobs;
import dev.spool.bench.Checkout;
import dev.spool.bench.RedisProbe;
import dev.spool.bench.compare.PrivateRedis;
import dev.spool.bench.compare.Stats;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Script;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench scripts}: Redis's own time per job in the scripts a worker runs for every job (fetch
 * and complete), this build's against those of a baseline git revision.
 *
 * <p>The two versions take turns call by call on one queue in one private Redis, so that whatever
 * else the machine does at that moment weighs on both alike: a change of a few per cent shows,
 * where two separate runs on a shared machine differ by more than that. Each call's time is Redis's
 * own, from its SLOWLOG ({@link ScriptCallTimes}): no network, no client. A baseline equal to this
 * build (say {@code HEAD} with no change) measures the noise floor.
 */
@Command(
    name = "scripts",
    mixinStandardHelpOptions = true,
    description =
        "Redis's time per job in the fetch and complete scripts: this build's against a baseline"
            + " git revision's, taking turns call by call (docs/benchmarks.md).")
public final class ScriptsCommand implements Callable<Integer> {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_SETUP = 2;
  private static final String SCRIPTS_DIR = "spool-core/src/main/resources/dev/spool/scripts/";
  private static final String NAMESPACE = "bench-scripts";
  private static final String NODE = "bench-scripts-node";
  private static final long LEASE_MS = 60_000;
  private static final long EXPIRY_SECONDS = 7 * 24 * 3600;

  @Spec CommandSpec spec;

  @Option(
      names = "--baseline",
      required = true,
      paramLabel = "REV",
      description = "The git revision whose scripts to measure against (HEAD: the noise floor).")
  String baseline;

  @Option(
      names = "--jobs",
      defaultValue = "60000",
      description = "Jobs per run (${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Jobs a fetch asks for (${DEFAULT-VALUE}, a busy worker's typical batch).")
  int batch;

  @Option(
      names = "--outstanding",
      defaultValue = "3",
      description =
          "Fetched batches each version holds before completing its oldest (${DEFAULT-VALUE}),"
              + " so that the lease set holds as many jobs as a busy worker's.")
  int outstanding;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs of each mode (${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "keep,no-keep",
      description =
          "keep: statuses of succeeded jobs kept (the default); no-keep: deleted as they succeed"
              + " (spool worker --no-keep-succeeded).")
  List<String> modes;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "A Redis on 127.0.0.1 to use instead of starting one: for checking the command, not"
              + " for measuring (its other clients' calls weigh on the figures). Its SLOWLOG is"
              + " emptied; its SLOWLOG settings are put back.")
  String redis;

  @Option(
      names = "--redis-server",
      paramLabel = "PATH",
      description = "The redis-server to start (found as bench compare finds it).")
  Path redisServer;

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description = "The Spool checkout (git, bench/compare). Default: found from this jar.")
  Path root;

  public ScriptsCommand() {}

  /** One version of the two scripts, loaded. */
  /**
   * A version's scripts as loaded, and whether its complete takes the recorded time of each job
   * (quadruples since the recorded time tells a job from another given its number after Redis lost
   * its data; triples before).
   */
  private record Version(
      String name, String fetchSha, String completeSha, boolean completeTakesRecorded) {}

  private static final Pattern COMPLETE_STRIDE = Pattern.compile("for i = 6, #ARGV, (\\d)");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path checkout;
    String[] base;
    try {
      validate();
      checkout = root != null ? root.toAbsolutePath() : Checkout.find();
      base = baselineSources(checkout);
    } catch (RuntimeException e) {
      err.println("spool bench scripts: cannot start: " + e.getMessage());
      err.flush();
      return EXIT_SETUP;
    }
    try (PrivateRedis own =
            redis == null ? PrivateRedis.start(redisServer, checkout, logDir(checkout)) : null;
        RedisProbe probe = RedisProbe.connect(own != null ? own.uri() : redis)) {
      RedisCommands<String, String> sync = probe.commands();
      String uri = own != null ? own.uri() : redis;
      err.println(
          "bench scripts: Redis "
              + probe.version()
              + (own != null ? " from " + own.source() : " at " + redis));
      err.flush();
      Map<String, List<Double>> perCell = new LinkedHashMap<>();
      for (int run = 1; run <= runs; run++) {
        for (String mode : modes) {
          String namespace = NAMESPACE + "-" + Long.toString(System.nanoTime(), 36);
          if (own != null) {
            probe.persistenceOff();
            probe.flushAll(); // the same fresh server for every run
          }
          // A baseline whose scripts are this build's gets a comment of its own, so that the two
          // have different SHAs and their calls can be told apart. (Loaded again for every run:
          // cheap, and a script cache another client flushed meanwhile does no harm.)
          Version before = load(sync, "baseline", base[0], base[1]);
          Version after =
              load(sync, "build", Script.FETCH.source(), Script.COMPLETE.source(), before);
          ObjectNode line;
          try {
            enqueue(uri, namespace);
            // Which version goes first alternates from run to run, as bench compare alternates.
            line = measure(sync, namespace, mode, before, after, run % 2 == 1);
          } finally {
            probe.deleteNamespace(namespace);
          }
          line.put("run", run);
          out.println(line);
          out.flush();
          for (String v : List.of("baseline", "build")) {
            for (String s : List.of("fetch", "complete")) {
              perCell
                  .computeIfAbsent(mode + "|" + s + "|" + v, k -> new ArrayList<>())
                  .add(line.path(s).path(v).asDouble());
            }
          }
        }
      }
      printTable(out, perCell, checkout);
      return EXIT_OK;
    } catch (RuntimeException e) {
      err.println("spool bench scripts: failed: " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    }
  }

  private void validate() {
    if (redis != null) {
      RedisProbe.requireLoopback(redis);
    }
    if (batch < 1 || jobs < 2 * batch || runs < 1 || outstanding < 0) {
      throw new IllegalArgumentException(
          "--batch and --runs must be positive, --jobs at least twice --batch (a full batch for"
              + " each version), --outstanding >= 0");
    }
    for (String mode : modes) {
      if (!mode.equals("keep") && !mode.equals("no-keep")) {
        throw new IllegalArgumentException("--modes takes keep and no-keep, not '" + mode + "'");
      }
    }
  }

  /** The baseline's fetch and complete, each with its lib.lua before it as Spool sends them. */
  private String[] baselineSources(Path checkout) {
    String lib = show(checkout, "lib.lua");
    return new String[] {
      lib + "\n" + show(checkout, "fetch.lua"), lib + "\n" + show(checkout, "complete.lua")
    };
  }

  private String show(Path checkout, String file) {
    String text = Checkout.git(checkout, "show", baseline + ":" + SCRIPTS_DIR + file);
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "git cannot show " + SCRIPTS_DIR + file + " at '" + baseline + "' in " + checkout);
    }
    return text;
  }

  private static Path logDir(Path checkout) {
    Path dir =
        checkout.resolve(".spool/scripts").resolve(Long.toString(Instant.now().toEpochMilli()));
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  private static Version load(
      RedisCommands<String, String> sync, String name, String fetch, String complete) {
    Matcher stride = COMPLETE_STRIDE.matcher(complete);
    return new Version(
        name,
        sync.scriptLoad(fetch),
        sync.scriptLoad(complete),
        stride.find() && stride.group(1).equals("4"));
  }

  private static Version load(
      RedisCommands<String, String> sync,
      String name,
      String fetch,
      String complete,
      Version other) {
    Version v = load(sync, name, fetch, complete);
    if (v.fetchSha().equals(other.fetchSha()) || v.completeSha().equals(other.completeSha())) {
      v = load(sync, name, fetch + "\n-- " + name, complete + "\n-- " + name);
    }
    return v;
  }

  private void enqueue(String uri, String namespace) {
    try (Spool spool = Spool.builder().redis(uri).namespace(namespace).build()) {
      for (int done = 0; done < jobs; ) {
        int n = Math.min(1000, jobs - done);
        List<BenchJobs.Noop> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(new BenchJobs.Noop(done + i));
        }
        spool.enqueueAll(BenchJobs.NOOP, items);
        done += n;
      }
    }
  }

  /** Drains the queue with both versions; returns the run's JSON line. */
  private ObjectNode measure(
      RedisCommands<String, String> sync,
      String namespace,
      String mode,
      Version before,
      Version after,
      boolean baselineFirst) {
    Keys.QueueKeys q = new Keys(namespace).queue(BenchJobs.NOOP.queue());
    String keep = mode.equals("keep") ? "1" : "0";
    ScriptCallTimes times = new ScriptCallTimes(sync);
    try (times) {
      if (baselineFirst) {
        drain(sync, q, keep, before, after, times);
      } else {
        drain(sync, q, keep, after, before, times);
      }
      times.read();
    }
    ObjectNode line = new ObjectMapper().createObjectNode();
    line.put("scripts", "run");
    line.put("mode", mode);
    line.put("jobs", jobs);
    line.put("batch", batch);
    for (String s : List.of("fetch", "complete")) {
      ObjectNode cell = line.putObject(s);
      for (Version v : List.of(before, after)) {
        Stats st = times.of(s + "|" + v.name());
        cell.put(v.name(), st == null ? Double.NaN : st.median());
        cell.put(v.name() + "Calls", st == null ? 0 : st.n());
      }
    }
    return line;
  }

  /**
   * Runs every job: the two versions take turns, {@code first} first; each fetches a batch and,
   * once it holds more than {@code outstanding} batches, completes its oldest.
   */
  private void drain(
      RedisCommands<String, String> sync,
      Keys.QueueKeys q,
      String keep,
      Version first,
      Version second,
      ScriptCallTimes times) {
    String[] fetchKeys = {
      q.ready(), q.prio(), q.active(), q.signal(), q.delayed(), q.dead(), q.paused()
    };
    Map<String, ArrayDeque<List<Object>>> held = new LinkedHashMap<>();
    long completed = 0;
    int turn = 0;
    boolean drained = false;
    while (!drained || !held.values().stream().allMatch(ArrayDeque::isEmpty)) {
      Version v = turn++ % 2 == 0 ? first : second;
      ArrayDeque<List<Object>> mine = held.computeIfAbsent(v.name(), k -> new ArrayDeque<>());
      long now = Micros.now(Clock.systemUTC());
      if (!drained) {
        List<Object> got =
            sync.evalsha(
                v.fetchSha(),
                ScriptOutputType.MULTI,
                fetchKeys,
                q.jobPrefix(),
                NODE,
                Long.toString(now),
                Long.toString(LEASE_MS),
                Integer.toString(batch),
                Long.toString(EXPIRY_SECONDS),
                q.dueChannel(),
                RedisJobStore.BATCH_PART_DONE,
                // as a worker sends it (a baseline that keeps no receipts ignores it)
                "bench-" + v.name() + "|" + turn);
        int n = got.size() / 9;
        // full batches only: the last, short one would weigh its fixed cost on fewer jobs
        times.called(v.fetchSha(), "fetch|" + v.name(), n, n == batch);
        if (n == 0) {
          drained = true;
        } else {
          mine.addLast(got);
        }
      }
      if (mine.isEmpty() || (!drained && mine.size() <= outstanding)) {
        continue;
      }
      List<Object> batchHeld = mine.removeFirst();
      int n = batchHeld.size() / 9;
      int stride = v.completeTakesRecorded() ? 4 : 3;
      String[] args = new String[5 + stride * n];
      args[0] = q.jobPrefix();
      args[1] = NODE;
      args[2] = Long.toString(now);
      args[3] = Long.toString(EXPIRY_SECONDS);
      args[4] = keep;
      for (int i = 0, a = 5; i < n; i++) {
        args[a++] = String.valueOf(batchHeld.get(9 * i)); // id
        args[a++] = String.valueOf(batchHeld.get(9 * i + 3)); // attempt
        if (v.completeTakesRecorded()) {
          args[a++] = String.valueOf(batchHeld.get(9 * i + 6)); // recorded at
        }
        args[a++] = ""; // no result
      }
      Long done =
          sync.evalsha(
              v.completeSha(),
              ScriptOutputType.INTEGER,
              new String[] {q.active(), q.completed(), q.throughput(Micros.minuteOf(now))},
              args);
      times.called(v.completeSha(), "complete|" + v.name(), n, n == batch);
      if (done == null || done != n) {
        throw new IllegalStateException("complete ended " + done + " of " + n + " jobs");
      }
      completed += done;
    }
    if (completed != jobs) {
      throw new IllegalStateException("ran " + completed + " of " + jobs + " jobs");
    }
  }

  private void printTable(PrintWriter out, Map<String, List<Double>> perCell, Path checkout) {
    String head = Checkout.git(checkout, "rev-parse", "--short", "HEAD");
    String dirty = Checkout.git(checkout, "status", "--porcelain", "--untracked-files=no");
    out.println();
    out.printf(
        "## bench scripts: Redis µs per job, baseline %s against this build (%s%s), %d jobs,"
            + " batches of %d, medians of %d runs (each the median of its calls)%n%n",
        baseline,
        head.isEmpty() ? "?" : head,
        dirty.isEmpty() ? "" : "+changes",
        jobs,
        batch,
        runs);
    out.println("| mode | script | baseline | this build | change |");
    out.println("|---|---|---|---|---|");
    for (String mode : modes) {
      double sumBefore = 0;
      double sumAfter = 0;
      for (String s : List.of("fetch", "complete")) {
        double b = median(perCell.get(mode + "|" + s + "|baseline"));
        double a = median(perCell.get(mode + "|" + s + "|build"));
        sumBefore += b;
        sumAfter += a;
        out.println(row(mode, s, b, a));
      }
      out.println(row(mode, "both", sumBefore, sumAfter));
    }
    out.flush();
  }

  /** The median of a cell's runs; NaN when no run measured it. */
  private static double median(List<Double> runs) {
    Stats st = runs == null ? null : Stats.of(runs);
    return st == null ? Double.NaN : st.median();
  }

  private static String row(String mode, String script, double before, double after) {
    if (Double.isNaN(before) || Double.isNaN(after)) {
      return "| " + mode + " | " + script + " | – | – | no full batch measured |";
    }
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.2f | %.2f | %+.1f %% |",
        mode,
        script,
        before,
        after,
        100 * (after - before) / before);
  }
}
