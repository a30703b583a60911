package dev.spool.bench.compare;

import dev.spool.QueueCounts;
import dev.spool.Spool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Spool: the worker is {@code bin/spool worker} (the launcher's JVM flags and the command's
 * defaults, with the comparison's concurrency), its handlers added through {@code SPOOL_CLASSPATH}
 * as users add theirs; the enqueuer is {@code bin/spool bench compare-enqueuer}, a fresh JVM.
 */
final class SpoolSystem implements ComparedSystem {
  static final String NAMESPACE = "compare";
  private static final String HANDLERS = "dev.spool.cli.BenchCompareHandlers";

  private final String id;
  private final String heading;
  private final Path launcher;
  private final List<String> extraWorkerArgs;
  private final Path handlersJar;
  private final boolean consolidateHandlerFlushes;
  private Spool reader; // the harness's own client, for queue counts

  SpoolSystem(
      String id,
      String heading,
      Path launcher,
      List<String> extraWorkerArgs,
      boolean consolidateHandlerFlushes,
      Path workDir) {
    this.id = id;
    this.consolidateHandlerFlushes = consolidateHandlerFlushes;
    this.heading = heading;
    this.launcher = launcher;
    this.extraWorkerArgs = List.copyOf(extraWorkerArgs);
    // A jar, as users ship handlers: a folder on the class path would keep the JVM from using
    // bin/spool's start-up cache (the JVM accepts only jars after the cached class path).
    this.handlersJar = workDir.resolve("spool-handlers.jar");
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(handlersJar))) {
      jar.putNextEntry(new JarEntry("META-INF/services/dev.spool.cli.JobHandlers"));
      jar.write((HANDLERS + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String heading() {
    return heading;
  }

  @Override
  public ChildProcess startWorker(Comparison c, String label) {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(
        List.of(
            "worker",
            "--redis",
            c.uri,
            "--namespace",
            NAMESPACE,
            "--concurrency",
            Integer.toString(c.concurrency)));
    command.addAll(extraWorkerArgs);
    Map<String, String> env = new HashMap<>();
    env.put("SPOOL_CLASSPATH", handlersJar.toString());
    env.put(CompareHandlers.REDIS_ENV, c.uri);
    if (consolidateHandlerFlushes) {
      env.put(CompareHandlers.CONSOLIDATE_FLUSHES_ENV, "1");
    }
    return ChildProcess.start(label, command, env, c.root, c.logDir);
  }

  @Override
  public boolean isReady(String line) {
    return line.startsWith("worker ") && line.contains(" started on ");
  }

  @Override
  public ChildProcess startEnqueuer(Comparison c, String label, List<String> modeArgs) {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(
        List.of("bench", "compare-enqueuer", "--redis", c.uri, "--namespace", NAMESPACE));
    command.addAll(modeArgs);
    return ChildProcess.start(label, command, Map.of(), c.root, c.logDir);
  }

  private QueueCounts counts(Comparison c) {
    if (reader == null) {
      reader = Spool.builder().redis(c.uri).namespace(NAMESPACE).build();
    }
    return reader.monitor().counts(CompareJobs.QUEUE);
  }

  @Override
  public long finished(Comparison c, long enqueued) {
    return counts(c).completed();
  }

  @Override
  public long waiting(Comparison c) {
    return counts(c).ready();
  }

  @Override
  public List<String> leftovers(Comparison c) {
    QueueCounts q = counts(c);
    List<String> problems = new ArrayList<>();
    if (q.ready() + q.delayed() + q.processing() + q.dead() != 0) {
      problems.add("jobs left in Spool's queue: " + q);
    }
    return problems;
  }

  @Override
  public List<String> checkStopped(
      ChildProcess worker, boolean graceful, long handlerRunsExpected) {
    return graceful
        ? List.of()
        : List.of("the worker did not stop on SIGTERM within the grace time");
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }
}
