package dev.spool.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the comparison started (a worker, an enqueuer, npm): its stdout lines kept and logged,
 * its stderr logged to a file, its CPU and memory read from /proc. Every one is ended by its PID
 * when it is closed, and at the latest when the harness's JVM exits.
 */
final class ChildProcess implements AutoCloseable {
  private static final int KEPT_LINES = 1000;
  private static final Set<ChildProcess> live = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> live.forEach(c -> c.stop(Duration.ofSeconds(2))), "compare-children-stop"));
  }

  final String label;
  final long pid;
  final Path stdoutLog;
  final Path stderrLog;
  private final Process process;
  private final List<String> lines = new ArrayList<>(); // guarded by itself
  private final Thread reader;

  private ChildProcess(String label, Process process, Path stdoutLog, Path stderrLog) {
    this.label = label;
    this.process = process;
    this.pid = process.pid();
    this.stdoutLog = stdoutLog;
    this.stderrLog = stderrLog;
    this.reader = Thread.ofPlatform().daemon().name("compare-out-" + label).unstarted(this::read);
  }

  /**
   * Starts a command in {@code dir} with extra environment variables, logging its output to {@code
   * <logDir>/<label>.out} and {@code .err}.
   */
  static ChildProcess start(
      String label, List<String> command, Map<String, String> env, Path dir, Path logDir) {
    Path out = logDir.resolve(label + ".out");
    Path err = logDir.resolve(label + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(false)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    Process process;
    try {
      Files.writeString(logDir.resolve(label + ".cmd"), String.join(" ", command) + "\n");
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + label + ": " + String.join(" ", command), e);
    }
    ChildProcess child = new ChildProcess(label, process, out, err);
    live.add(child);
    child.reader.start();
    return child;
  }

  private void read() {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer log = Files.newBufferedWriter(stdoutLog)) {
      String line;
      while ((line = in.readLine()) != null) {
        log.write(line);
        log.write('\n');
        log.flush();
        synchronized (lines) {
          if (lines.size() < KEPT_LINES) {
            lines.add(line);
          }
        }
      }
    } catch (IOException e) {
      // the process is gone; its lines so far are kept
    }
  }

  /** The stdout lines so far (the first {@value #KEPT_LINES}). */
  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /**
   * Waits until a stdout line matches (returns it), the process exits or the timeout passes
   * (returns empty).
   */
  Optional<String> awaitLine(Predicate<String> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : lines()) {
        if (wanted.test(line)) {
          return Optional.of(line);
        }
      }
      if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
        return Optional.empty();
      }
      Pause.millis(10);
    }
  }

  /** Waits for the process to exit by itself, and for its stdout to be read to the end. */
  boolean awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      reader.join(Duration.ofSeconds(5));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; only once the process has exited. */
  int exitCode() {
    return process.exitValue();
  }

  /** CPU time so far (user + system, all threads), seconds; NaN once it is gone. */
  double cpuSeconds() {
    return ProcStat.cpuSeconds(pid);
  }

  /** Peak resident set size so far, KiB; -1 once it is gone. */
  long peakRssKb() {
    return ProcStat.peakRssKb(pid);
  }

  /** The last lines of its stderr, for a failure report. */
  String stderrTail(int n) {
    try {
      List<String> all = Files.readAllLines(stderrLog);
      return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  /**
   * Asks the process to stop (SIGTERM to its PID), waits up to {@code grace}, then kills it
   * (SIGKILL) and any process it started. Returns true if it stopped within the grace period.
   */
  boolean stop(Duration grace) {
    try {
      List<ProcessHandle> descendants = process.descendants().toList();
      boolean graceful = true;
      if (process.isAlive()) {
        // SIGTERM through the handle: Process.destroy() would also close our end of its stdout,
        // losing what it prints while it stops (BullMQ's worker prints its counts then).
        process.toHandle().destroy();
        graceful = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        if (!graceful) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
      descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      reader.join(Duration.ofSeconds(2));
      return graceful;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    } finally {
      if (!process.isAlive()) {
        live.remove(this);
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
