package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * BullMQ: one {@code node worker.mjs} process (one Worker, the comparison's concurrency, completed
 * jobs removed) and a fresh {@code node enqueue.mjs} per run, from bench/compare.
 */
final class BullmqSystem implements ComparedSystem {
  private static final String KEYS = "bull:" + CompareJobs.QUEUE + ":";

  private final NodeRuntime node;

  BullmqSystem(NodeRuntime node) {
    this.node = node;
  }

  @Override
  public String id() {
    return "bullmq";
  }

  @Override
  public String heading() {
    return "BullMQ";
  }

  @Override
  public ChildProcess startWorker(Comparison c, String label) {
    return ChildProcess.start(
        label,
        List.of(
            node.node.toString(),
            "worker.mjs",
            "--redis",
            c.uri,
            "--queue",
            CompareJobs.QUEUE,
            "--concurrency",
            Integer.toString(c.concurrency)),
        Map.of(),
        node.dir,
        c.logDir);
  }

  @Override
  public boolean isReady(String line) {
    return line.contains("\"event\":\"ready\"");
  }

  @Override
  public ChildProcess startEnqueuer(Comparison c, String label, List<String> modeArgs) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            node.node.toString(), "enqueue.mjs", "--redis", c.uri, "--queue", CompareJobs.QUEUE));
    command.addAll(modeArgs);
    return ChildProcess.start(label, command, Map.of(), node.dir, c.logDir);
  }

  @Override
  public long finished(Comparison c, long enqueued) {
    // Read wait before active: a job moving from one to the other in between is counted twice
    // (finished looks lower), never missed.
    long waiting = c.llen(KEYS + "wait");
    long active = c.llen(KEYS + "active");
    return enqueued - waiting - active;
  }

  @Override
  public long waiting(Comparison c) {
    return c.llen(KEYS + "wait");
  }

  @Override
  public List<String> leftovers(Comparison c) {
    long wait = c.llen(KEYS + "wait");
    long active = c.llen(KEYS + "active");
    long delayed = c.zcard(KEYS + "delayed");
    long prioritized = c.zcard(KEYS + "prioritized");
    long failed = c.zcard(KEYS + "failed");
    if (wait + active + delayed + prioritized + failed == 0) {
      return List.of();
    }
    return List.of(
        "jobs left in BullMQ's queue: wait=%d active=%d delayed=%d prioritized=%d failed=%d"
            .formatted(wait, active, delayed, prioritized, failed));
  }

  @Override
  public List<String> checkStopped(
      ChildProcess worker, boolean graceful, long handlerRunsExpected) {
    List<String> problems = new ArrayList<>();
    if (!graceful) {
      problems.add("the worker did not stop on SIGTERM within the grace time");
    }
    JsonNode stopped = Comparison.lastJson(worker);
    if (stopped == null || !"stopped".equals(stopped.path("event").asText())) {
      problems.add(
          "the worker did not report its counts when it stopped (exit "
              + (worker.isAlive() ? "none yet" : worker.exitCode())
              + "): "
              + worker.stderrTail(3));
      return problems;
    }
    long processed = stopped.path("processed").asLong();
    long failed = stopped.path("failed").asLong();
    if (handlerRunsExpected >= 0 && processed != handlerRunsExpected) {
      problems.add("the worker ran " + processed + " handlers, expected " + handlerRunsExpected);
    }
    if (failed != 0) {
      problems.add(failed + " jobs failed in the worker");
    }
    return problems;
  }
}
