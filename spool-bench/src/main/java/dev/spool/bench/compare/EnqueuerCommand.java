package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobOptions;
import dev.spool.Spool;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench compare-enqueuer}: the Spool enqueuer of {@code bench compare}, a fresh JVM per run
 * (started through bin/spool, so with its JVM flags). It mirrors bench/compare/enqueue.mjs: the
 * same modes, arguments and result line. CPU time is this process's user + system time: {@code
 * cpuMicros} over the measured phase, {@code processCpuMicros} since the JVM started.
 */
@Command(
    name = "compare-enqueuer",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "The Spool enqueuer process of bench compare (not for direct use).")
public final class EnqueuerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--mode", required = true, description = "bulk, rate, delayed or single")
  String mode;

  @Option(names = "--redis", required = true)
  String redis;

  @Option(names = "--namespace", defaultValue = "compare")
  String namespace;

  @Option(names = "--jobs", defaultValue = "0")
  int jobs;

  @Option(names = "--chunk", defaultValue = "1000")
  int chunk;

  @Option(names = "--name", description = "compare-incr or compare-noop (bulk)")
  String name;

  @Option(names = "--key", description = "the counter of compare-incr jobs (bulk)")
  String key;

  @Option(names = "--rate", defaultValue = "0")
  int rate;

  @Option(names = "--seconds", defaultValue = "10")
  int seconds;

  @Option(names = "--warm", defaultValue = "1000")
  int warm;

  @Option(names = "--idle-ms", defaultValue = "1000")
  long idleMs;

  @Option(names = "--lead-ms", defaultValue = "1000")
  long leadMs;

  @Option(names = "--list")
  String list;

  @Option(names = "--warm-list")
  String warmList;

  public EnqueuerCommand() {}

  @Override
  public Integer call() throws Exception {
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("mode", mode);
    try (Spool spool = Spool.builder().redis(redis).namespace(namespace).build()) {
      switch (mode) {
        case "bulk" -> bulk(spool, result);
        case "rate" -> rate(spool, result);
        case "delayed" -> delayed(spool, result);
        case "single" -> single(spool, result);
        default ->
            throw new IllegalArgumentException("--mode must be bulk, rate, delayed or single");
      }
    }
    result.put("processCpuMicros", cpuMicros());
    PrintWriter out = spec.commandLine().getOut();
    out.println(result);
    out.flush();
    return 0;
  }

  /** W1's bulk enqueue: jobs in chunks through enqueueAll, one chunk at a time. */
  private void bulk(Spool spool, ObjectNode result) {
    boolean incr = "compare-incr".equals(name);
    if (!incr && !"compare-noop".equals(name)) {
      throw new IllegalArgumentException("--name must be compare-incr or compare-noop");
    }
    long cpu0 = cpuMicros();
    long t0 = System.nanoTime();
    for (int done = 0; done < jobs; ) {
      int n = Math.min(chunk, jobs - done);
      if (incr) {
        List<CompareJobs.Incr> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(new CompareJobs.Incr(done + i, key));
        }
        spool.enqueueAll(CompareJobs.INCR, items);
      } else {
        List<CompareJobs.Noop> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(new CompareJobs.Noop(done + i));
        }
        spool.enqueueAll(CompareJobs.NOOP, items);
      }
      done += n;
    }
    double took = (System.nanoTime() - t0) / 1e9;
    result.put("jobs", jobs);
    result.put("chunk", chunk);
    result.put("seconds", took);
    result.put("jobsPerSec", jobs / took);
    result.put("cpuMicros", cpuMicros() - cpu0);
  }

  /** W2: warm-up jobs and a second of idle, then single enqueues at a fixed rate. */
  private void rate(Spool spool, ObjectNode result) {
    require(rate > 0, "--rate must be positive");
    paced(spool, warm, requireList(warmList, "--warm-list"));
    sleepMillis(idleMs);
    int count = rate * seconds;
    long cpu0 = cpuMicros();
    long t0 = System.nanoTime();
    int lateSends = paced(spool, count, requireList(list, "--list"));
    result.put("sent", count);
    result.put("rate", rate);
    result.put("seconds", (System.nanoTime() - t0) / 1e9);
    result.put("lateSends", lateSends);
    result.put("cpuMicros", cpuMicros() - cpu0);
  }

  /**
   * Single enqueues paced at {@code rate} per second on an absolute schedule (a late send does not
   * push the later ones back); each job carries the monotonic time just before its enqueue. Parks
   * without spinning: the process's CPU time is being measured.
   */
  private int paced(Spool spool, int count, String target) {
    long start = System.nanoTime();
    int late = 0;
    for (int i = 0; i < count; i++) {
      long due = start + Math.round(i * 1e9 / rate);
      long left;
      while ((left = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(left);
      }
      if (System.nanoTime() - due > 1_000_000) {
        late++;
      }
      sendLatencyJob(spool, i, target);
    }
    return late;
  }

  /**
   * Single enqueues back to back (the warm-up too), then the same idle as W2: the CPU of an enqueue
   * when the process does not sleep between enqueues, only while each answer comes (a paced sender
   * also sleeps until each send time, and its CPU idles in between).
   */
  private void single(Spool spool, ObjectNode result) {
    require(jobs > 0, "--jobs must be positive");
    backToBack(spool, warm, requireList(warmList, "--warm-list"));
    sleepMillis(idleMs);
    long cpu0 = cpuMicros();
    long t0 = System.nanoTime();
    backToBack(spool, jobs, requireList(list, "--list"));
    double took = (System.nanoTime() - t0) / 1e9;
    result.put("sent", jobs);
    result.put("seconds", took);
    result.put("jobsPerSec", jobs / took);
    result.put("cpuMicros", cpuMicros() - cpu0);
  }

  /**
   * Single enqueues one after another, each awaited before the next; each carries its send time.
   */
  private static void backToBack(Spool spool, int count, String target) {
    for (int i = 0; i < count; i++) {
      sendLatencyJob(spool, i, target);
    }
  }

  /** One single enqueue of W2 or single: job {@code n}, stamped with its send time. */
  private static void sendLatencyJob(Spool spool, int n, String target) {
    spool.enqueue(
        CompareJobs.LATENCY, new CompareJobs.Latency(n, CompareJobs.monotonicMicros(), target));
  }

  /** W3: warm-up jobs due over the next second and a second of idle, then the delayed jobs. */
  private void delayed(Spool spool, ObjectNode result) {
    require(jobs > 0, "--jobs must be positive");
    long warmLastDue = schedule(spool, warm, 1, 100, requireList(warmList, "--warm-list"))[1];
    sleepMillis(warmLastDue - System.currentTimeMillis() + idleMs);
    long cpu0 = cpuMicros();
    long t0 = System.nanoTime();
    long[] s = schedule(spool, jobs, seconds, leadMs, requireList(list, "--list"));
    result.put("scheduled", jobs);
    result.put("scheduleSeconds", (System.nanoTime() - t0) / 1e9);
    result.put("enqueuedAfterDue", s[0]);
    result.put("lastDueMs", s[1]);
    result.put("cpuMicros", cpuMicros() - cpu0);
  }

  /**
   * Schedules {@code count} jobs due evenly over {@code overSeconds} from {@code lead} ms after
   * now; returns how many were enqueued at or after their due time, and the last due time.
   */
  private static long[] schedule(
      Spool spool, int count, int overSeconds, long lead, String target) {
    long firstDue = System.currentTimeMillis() + lead;
    long afterDue = 0;
    long lastDue = firstDue;
    for (int i = 0; i < count; i++) {
      long due = firstDue + (long) i * overSeconds * 1000 / count;
      if (System.currentTimeMillis() >= due) {
        afterDue++;
      }
      spool.enqueue(
          CompareJobs.DELAYED,
          new CompareJobs.Delayed(i, due, target),
          JobOptions.builder().runAt(Instant.ofEpochMilli(due)).build());
      lastDue = due;
    }
    return new long[] {afterDue, lastDue};
  }

  /** User + system CPU time of this whole JVM (every thread), in microseconds. */
  static long cpuMicros() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1000;
  }

  private static void sleepMillis(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private static String requireList(String value, String option) {
    require(value != null && !value.isBlank(), option + " is required");
    return value;
  }
}
