package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A workload: runs {@code --runs} times against one Redis, printing a JSON line per run and then a
 * summary line (median, min and max of its main figures).
 */
abstract class WorkloadCommand implements Callable<Integer> {
  static final int EXIT_UNVERIFIED = 1;
  static final int EXIT_SETUP = 2;

  @Mixin CommonOptions common = new CommonOptions();
  @Spec CommandSpec spec;

  /** "W1", "W2", … */
  abstract String id();

  /** "throughput", … */
  abstract String name();

  /** The workload's own settings, as printed on every line. */
  abstract ObjectNode settings();

  /** The figures the summary line aggregates. */
  abstract List<String> mainFigures();

  /** Scales the workload's size (for {@code all --scale}). */
  abstract void scale(double factor);

  /** Checks the settings; throws IllegalArgumentException naming the bad one. */
  abstract void validate();

  /** A failure to set up, for the user: its message, or its type when it has none. */
  static String reason(RuntimeException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** One run in a namespace of its own; the workload cleans up the Spool it starts. */
  abstract RunResult runOnce(BenchEnv env, String namespace, String tag) throws Exception;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      validate();
    } catch (IllegalArgumentException e) {
      err.println("spool bench " + name() + ": " + e.getMessage());
      err.flush();
      return EXIT_SETUP;
    }
    BenchEnv env;
    try {
      env = BenchEnv.open(common, out, err);
    } catch (RuntimeException e) {
      err.println("spool bench " + name() + ": cannot start: " + reason(e));
      err.flush();
      return EXIT_SETUP;
    }
    try (env) {
      return execute(env);
    }
  }

  /** Runs every run and the summary; returns the exit code. */
  int execute(BenchEnv env) {
    int runs = env.options.runs;
    List<ObjectNode> lines = new ArrayList<>();
    for (int run = 1 - Math.max(0, env.options.warmup); run <= runs; run++) {
      boolean warmup = run < 1;
      String namespace = env.options.namespace != null ? env.options.namespace : freshNamespace();
      String tag =
          "[" + id() + " " + name() + (warmup ? " warm-up" : " run " + run + "/" + runs) + "]";
      RunResult result = new RunResult();
      long freshKeys = env.probe.countKeys(namespace);
      if (freshKeys > 0) {
        result.problem(
            "namespace '" + namespace + "' already has " + freshKeys + " keys; refusing to use it");
      } else {
        try {
          result = runOnce(env, namespace, tag);
        } catch (Exception | AssertionError e) {
          env.progress(tag + " failed: " + e);
          e.printStackTrace(env.err);
          env.err.flush();
          result.problem("error: " + e);
        } finally {
          try {
            long deleted = env.probe.deleteNamespace(namespace);
            env.progress(tag + " deleted " + deleted + " keys of namespace " + namespace);
          } catch (RuntimeException e) {
            env.progress(tag + " could not delete the keys of " + namespace + ": " + e);
          }
        }
      }
      ObjectNode line = header(env);
      if (warmup) {
        line.put("warmup", true);
      } else {
        line.put("run", run);
      }
      line.put("runs", runs);
      line.put("namespace", namespace);
      line.set("figures", result.figures);
      line.put("verified", result.verified());
      ArrayNode problems = line.putArray("problems");
      result.problems.forEach(problems::add);
      env.line(line);
      if (!warmup) {
        lines.add(line);
      }
    }
    ObjectNode summary = summary(env, lines);
    env.line(summary);
    return summary.get("verified").asBoolean() ? 0 : EXIT_UNVERIFIED;
  }

  private ObjectNode header(BenchEnv env) {
    ObjectNode line = BenchEnv.JSON.createObjectNode();
    line.put("workload", id());
    line.put("name", name());
    ObjectNode settings = settings();
    settings.put("runs", env.options.runs);
    settings.put("warmup", env.options.warmup);
    settings.put("namespace", env.options.namespace == null ? "fresh" : env.options.namespace);
    settings.put("timeoutSeconds", env.options.timeoutSeconds);
    line.set("settings", settings);
    line.set("redis", env.redisNode());
    line.set("jvm", BenchEnv.jvmNode());
    return line;
  }

  private ObjectNode summary(BenchEnv env, List<ObjectNode> lines) {
    ObjectNode summary = header(env);
    summary.put("summary", true);
    ObjectNode figures = summary.putObject("figures");
    for (String name : mainFigures()) {
      List<Double> values = new ArrayList<>();
      for (ObjectNode line : lines) {
        JsonNode v = line.get("figures").get(name);
        if (v != null && v.isNumber()) {
          values.add(v.asDouble());
        }
      }
      ObjectNode stat = figures.putObject(name);
      if (values.isEmpty()) {
        stat.putNull("median");
        stat.putNull("min");
        stat.putNull("max");
      } else {
        values.sort(null);
        int n = values.size();
        double median =
            n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        stat.put("median", RunResult.round(median, 3));
        stat.put("min", values.getFirst());
        stat.put("max", values.getLast());
      }
    }
    long verifiedRuns = lines.stream().filter(l -> l.get("verified").asBoolean()).count();
    summary.put("verifiedRuns", verifiedRuns);
    summary.put("verified", verifiedRuns == lines.size());
    return summary;
  }

  /** Connects a Spool to the run's namespace. */
  static Spool spool(BenchEnv env, String namespace) {
    return spool(env.uri, namespace);
  }

  static Spool spool(String uri, String namespace) {
    return Spool.builder().redis(uri).namespace(namespace).build();
  }

  /**
   * Polls Redis every 50 ms until the queue's completed count reaches {@code n}; returns the counts
   * last seen, and whether it got there in time.
   */
  static Waited awaitCompleted(Spool spool, String queue, long n, Duration timeout) {
    QueueCounts[] last = {spool.monitor().counts(queue)};
    boolean done =
        Waits.until(() -> (last[0] = spool.monitor().counts(queue)).completed() >= n, timeout, 50);
    return new Waited(done, last[0]);
  }

  record Waited(boolean inTime, QueueCounts counts) {}

  /**
   * Checks that exactly {@code n} jobs completed and none is left anywhere else, giving the queue a
   * few seconds to settle; records a problem per count that is off.
   */
  static QueueCounts verifyAllCompleted(Spool spool, String queue, long n, RunResult result) {
    QueueCounts[] last = {spool.monitor().counts(queue)};
    Waits.until(
        () -> {
          QueueCounts c = last[0] = spool.monitor().counts(queue);
          return c.completed() >= n
              && c.ready() == 0
              && c.delayed() == 0
              && c.processing() == 0
              && c.dead() == 0;
        },
        Duration.ofSeconds(10),
        50);
    QueueCounts c = last[0];
    result.check(c.completed() == n, "completed is " + c.completed() + ", expected " + n);
    result.check(c.ready() == 0, "ready is " + c.ready() + ", expected 0");
    result.check(c.delayed() == 0, "delayed is " + c.delayed() + ", expected 0");
    result.check(c.processing() == 0, "processing is " + c.processing() + ", expected 0");
    result.check(c.dead() == 0, "dead is " + c.dead() + ", expected 0");
    return c;
  }

  /** Counts, per job number, how often a handler ran it. */
  static final class RunCounter {
    private final AtomicIntegerArray runs;
    private final LongAdder total = new LongAdder();
    private final LongAdder outOfRange = new LongAdder();

    RunCounter(int n) {
      runs = new AtomicIntegerArray(n);
    }

    void ran(int n) {
      total.increment();
      if (n >= 0 && n < runs.length()) {
        runs.incrementAndGet(n);
      } else {
        outOfRange.increment();
      }
    }

    long total() {
      return total.sum();
    }

    /** Records handlerRuns, distinctJobsRun and duplicateRuns; a job never run is a problem. */
    void report(RunResult result) {
      int distinct = 0;
      for (int i = 0; i < runs.length(); i++) {
        if (runs.get(i) > 0) {
          distinct++;
        }
      }
      result.put("handlerRuns", total.sum());
      result.put("distinctJobsRun", distinct);
      result.put("duplicateRuns", total.sum() - distinct - outOfRange.sum());
      result.check(
          distinct == runs.length(),
          (runs.length() - distinct) + " of " + runs.length() + " jobs never reached a handler");
      result.check(outOfRange.sum() == 0, outOfRange.sum() + " jobs ran that were not enqueued");
    }
  }

  private String freshNamespace() {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return "bench-" + id().toLowerCase() + "-" + HexFormat.of().formatHex(random);
  }
}
