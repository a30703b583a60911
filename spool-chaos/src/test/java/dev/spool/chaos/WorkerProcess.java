package dev.spool.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One {@code spool worker} JVM, its output going to a log file. */
final class WorkerProcess {
  /** How this process ended, when the test ended it. */
  enum EndedBy {
    KILL_9,
    SIGTERM,
    SIGINT,
    TEST_END
  }

  private static final Duration STARTUP_BOUND = Duration.ofSeconds(60);

  private final String name;
  private final Process process;
  private final Path log;
  private volatile EndedBy endedBy;
  private volatile long endedAtMillis;

  WorkerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Whether the node has started: its banner is out and the process still runs. */
  boolean isUp() {
    return process.isAlive() && output().contains("worker " + name + " started");
  }

  /** Null while it runs, or if it exited by itself. */
  EndedBy endedBy() {
    return endedBy;
  }

  long endedAtMillis() {
    return endedAtMillis;
  }

  /** Waits until the node has started, or the process has exited; true if it started. */
  boolean awaitUp() {
    await("worker " + name + " (pid " + pid() + ") up or gone")
        .atMost(STARTUP_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> isUp() || !process.isAlive());
    return isUp();
  }

  /** {@code kill -9}; returns once the process is gone. */
  void kill9() {
    end(EndedBy.KILL_9);
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /**
   * {@code SIGTERM}, as a supervisor stops a service; returns once the process is gone (waiting at
   * most {@code bound}).
   */
  void terminate(Duration bound) {
    end(EndedBy.SIGTERM);
    process.destroy();
    awaitExit(bound);
  }

  /**
   * {@code kill -INT}, as Ctrl-C in a terminal; returns at once. The process handles SIGINT only if
   * it was launched with SIGINT not ignored (see {@link Workers#SIGINT_DELIVERABLE}).
   */
  void interrupt() {
    end(EndedBy.SIGINT);
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -INT " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -INT " + pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIGINT to worker " + name, e);
    }
  }

  /** Waits until the process exits by itself, at most {@code bound}; returns its exit code. */
  int awaitExitCode(Duration bound) {
    awaitExit(bound);
    return process.exitValue();
  }

  /** Ends the process, whatever it is doing, at the end of a test. */
  void dispose() {
    if (process.isAlive()) {
      end(EndedBy.TEST_END);
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }
  }

  private synchronized void end(EndedBy how) {
    if (endedBy == null) {
      endedBy = how;
      endedAtMillis = System.currentTimeMillis();
    }
  }

  private void awaitExit(Duration bound) {
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("worker " + name + " pid " + pid() + " does not die");
        }
        throw new IllegalStateException(
            "worker " + name + " pid " + pid() + " did not exit within " + bound + ": killed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while ending worker " + name, e);
    }
  }

  /** Everything the process printed so far. */
  String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  /**
   * Its lines that report a problem (log levels WARN and ERROR, exceptions), at most {@code max}.
   */
  List<String> problems(int max) {
    return output()
        .lines()
        .filter(
            l ->
                l.contains("WARN")
                    || l.contains("ERROR")
                    || l.contains("Exception")
                    || l.startsWith("spool:"))
        .distinct()
        .limit(max)
        .toList();
  }

  @Override
  public String toString() {
    return name
        + " (pid "
        + pid()
        + (process.isAlive()
            ? ", running"
            : ", exit "
                + process.exitValue()
                + (endedBy == null ? " by itself" : " after " + endedBy))
        + ", log "
        + log
        + ")";
  }
}
