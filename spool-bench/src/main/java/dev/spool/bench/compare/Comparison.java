package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.bench.RedisProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** What every run of a comparison shares: its Redis, its settings, where logs go. */
final class Comparison {
  final String uri;
  final RedisProbe probe;
  final Path root;
  final Path logDir;
  final int concurrency;
  final Duration timeout;
  private final PrintWriter progress;

  Comparison(
      String uri,
      RedisProbe probe,
      Path root,
      Path logDir,
      int concurrency,
      Duration timeout,
      PrintWriter progress) {
    this.uri = uri;
    this.probe = probe;
    this.root = root;
    this.logDir = logDir;
    this.concurrency = concurrency;
    this.timeout = timeout;
    this.progress = progress;
  }

  void progress(String message) {
    progress.println(message);
    progress.flush();
  }

  /** Empties the comparison's private Redis: only ever this one, which the harness started. */
  void flush() {
    probe.flushAll();
  }

  /** Redis's own CPU time so far (used_cpu_sys + used_cpu_user), seconds. */
  double redisCpuSeconds() {
    Map<String, String> cpu = probe.info("cpu");
    return Double.parseDouble(cpu.get("used_cpu_sys"))
        + Double.parseDouble(cpu.get("used_cpu_user"));
  }

  long llen(String key) {
    return probe.commands().llen(key);
  }

  long zcard(String key) {
    return probe.commands().zcard(key);
  }

  /** The integer value of a key, 0 when it does not exist. */
  long counter(String key) {
    String v = probe.commands().get(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  /**
   * Every value of a result list, as longs. Whole-list read: the lists hold one entry per measured
   * job of one run (10 000 at most at the default settings), small by construction.
   */
  long[] readResults(String key) {
    List<String> values = probe.commands().lrange(key, 0, -1);
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Long.parseLong(values.get(i));
    }
    return out;
  }

  /** Polls every {@code pollMs} until the value reaches the target; false on timeout. */
  static boolean awaitAtLeast(LongSupplier value, long target, Duration timeout, long pollMs) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (value.getAsLong() < target) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Pause.millis(pollMs);
    }
    return true;
  }

  /** The last stdout line of a process that is a JSON object, or null. */
  static JsonNode lastJson(ChildProcess p) {
    List<String> lines = p.lines();
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).trim();
      if (line.startsWith("{")) {
        try {
          return RunRecord.JSON.readTree(line);
        } catch (IOException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The 1-minute load average of the machine, or NaN: how busy it was around a run. */
  static double load1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
