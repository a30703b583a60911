package dev.spool.chaos;

import dev.spool.JobId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@code spool worker} processes of one experiment, by node name: launched from the shaded CLI
 * jar with the chaos handlers on the class path, small and quick to start. With {@link
 * #supervise()} they behave as under a process supervisor: one that exits by itself (a refused
 * start, a crash) is started again under the same name a second later, and one the test kills is
 * started again at once.
 */
final class Workers implements AutoCloseable {
  /** A {@code kill -9}: when, whom, and which jobs Redis says the node held at that moment. */
  record Kill(String name, long pid, long atMillis, List<JobId> held) {}

  private static final long RESTART_DELAY_MILLIS = 1_000;

  /**
   * Whether a SIGINT sent to a worker reaches it. A process started in the background of a script
   * (as Maven may be) has SIGINT ignored, its children too, and a JVM keeps an ignored SIGINT
   * ignored; GNU env's {@code --default-signal=INT} gives the worker the default back.
   */
  static final boolean SIGINT_DELIVERABLE = envResetsSigint();

  private final Path dir;
  private final String redisUri;
  private final String namespace;
  private final Map<String, WorkerProcess> current = new ConcurrentHashMap<>();
  private final Map<String, List<String>> options = new ConcurrentHashMap<>();
  private final List<WorkerProcess> all = Collections.synchronizedList(new ArrayList<>());
  private final List<Kill> kills = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger launches = new AtomicInteger();
  private volatile boolean supervised;
  private volatile boolean closed;

  Workers(Path dir, String redisUri, String namespace) {
    this.dir = dir;
    this.redisUri = redisUri;
    this.namespace = namespace;
  }

  /** From now on, a worker that exits by itself is started again under its name. */
  void supervise() {
    supervised = true;
  }

  /** The directory every worker writes its {@link RunLog} to. */
  Path runs() {
    return dir.resolve("runs");
  }

  /** Launches a worker named {@code name}; returns without waiting for it to start. */
  WorkerProcess launch(String name, String... workerOptions) {
    options.put(name, List.of(workerOptions));
    return launch(name);
  }

  /** Launches a worker and waits until it has started. */
  WorkerProcess start(String name, String... workerOptions) {
    WorkerProcess worker = launch(name, workerOptions);
    if (!worker.awaitUp()) {
      throw new IllegalStateException(
          "worker " + worker + " did not start:\n" + String.join("\n", worker.problems(40)));
    }
    return worker;
  }

  private synchronized WorkerProcess launch(String name) {
    if (closed) {
      throw new IllegalStateException("the experiment is over");
    }
    List<String> command = new ArrayList<>();
    if (SIGINT_DELIVERABLE) {
      command.addAll(List.of("env", "--default-signal=INT")); // execs java: same pid
    }
    command.add(ProcessHandle.current().info().command().orElse("java"));
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow"); // Netty, as bin/spool does
    }
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx128m",
            "-Xss512k",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-D" + RunLog.DIR_PROPERTY + "=" + runs(),
            "-D" + ChaosHandlers.PARENT_PROPERTY + "=" + ProcessHandle.current().pid(),
            "-cp",
            ChaosSetup.cliJar() + java.io.File.pathSeparator + ChaosSetup.handlers(),
            "dev.spool.cli.Main",
            "worker",
            "--redis",
            redisUri,
            "--namespace",
            namespace,
            "--name",
            name,
            "--queues",
            ChaosJobs.QUEUE));
    command.addAll(options.getOrDefault(name, List.of()));
    Path log = dir.resolve("logs").resolve(name + "-" + launches.incrementAndGet() + ".log");
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      WorkerProcess worker = new WorkerProcess(name, process, log);
      current.put(name, worker);
      all.add(worker);
      process.onExit().thenRun(() -> exited(worker));
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot launch worker " + name, e);
    }
  }

  private static boolean envResetsSigint() {
    try {
      Process probe =
          new ProcessBuilder("env", "--default-signal=INT", "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void exited(WorkerProcess worker) {
    if (supervised && !closed && worker.endedBy() == null && current.get(worker.name()) == worker) {
      CompletableFuture.delayedExecutor(RESTART_DELAY_MILLIS, TimeUnit.MILLISECONDS)
          .execute(
              () -> {
                if (!closed && current.get(worker.name()) == worker) {
                  launch(worker.name());
                }
              });
    }
  }

  /**
   * {@code kill -9} of the node's process; then reads which jobs Redis says the node held (with
   * {@code heldBy}, before anything can change that), and under {@link #supervise()} starts it
   * again at once.
   */
  Kill kill9(String name, Function<String, List<JobId>> heldBy) {
    WorkerProcess worker = current.get(name);
    worker.kill9();
    Kill kill = new Kill(name, worker.pid(), worker.endedAtMillis(), heldBy.apply(name));
    kills.add(kill);
    if (supervised) {
      launch(name);
    }
    return kill;
  }

  WorkerProcess current(String name) {
    return current.get(name);
  }

  /** The node names whose current process has started and still runs. */
  List<String> up() {
    return current.values().stream().filter(WorkerProcess::isUp).map(WorkerProcess::name).toList();
  }

  /** Every process launched, in order. */
  List<WorkerProcess> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  List<Kill> kills() {
    synchronized (kills) {
      return List.copyOf(kills);
    }
  }

  /** Processes that exited without the test ending them (refused starts, crashes). */
  List<WorkerProcess> exitedByThemselves() {
    return all().stream().filter(w -> !w.isAlive() && w.endedBy() == null).toList();
  }

  /** The problem lines of every worker's log, at most {@code perWorker} each. */
  String problems(int perWorker) {
    StringBuilder out = new StringBuilder();
    for (WorkerProcess w : all()) {
      List<String> lines = w.problems(perWorker);
      if (!lines.isEmpty()) {
        out.append("  ").append(w).append(":\n");
        lines.forEach(l -> out.append("    ").append(l).append('\n'));
      }
    }
    return out.toString();
  }

  /** Ends every process still running. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    RuntimeException failure = null;
    for (WorkerProcess w : all()) {
      try {
        w.dispose();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
