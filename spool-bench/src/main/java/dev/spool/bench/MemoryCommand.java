package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * W4 memory: Redis {@code used_memory} before, after enqueueing N no-op jobs (no worker), and after
 * a worker ran them all (what the retained statuses cost).
 */
@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    description =
        "W4: Redis used_memory per queued job, and per retained status once all succeeded.")
public final class MemoryCommand extends WorkloadCommand {
  @Option(
      names = "--jobs",
      defaultValue = "100000",
      description = "Jobs to enqueue. Default: ${DEFAULT-VALUE}.")
  int jobs = 100_000;

  @Option(
      names = "--concurrency",
      defaultValue = "200",
      description = "Concurrency of the worker node that runs them. Default: ${DEFAULT-VALUE}.")
  int concurrency = 200;

  @Override
  String id() {
    return "W4";
  }

  @Override
  String name() {
    return "memory";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("jobs", jobs);
    s.put("concurrency", concurrency);
    s.put("retention", "default (" + Spool.Builder.DEFAULT_RETENTION + ")");
    return s;
  }

  @Override
  List<String> mainFigures() {
    return List.of("bytesPerQueuedJob", "bytesPerRetainedStatus");
  }

  @Override
  void scale(double factor) {
    jobs = Math.max(100, (int) (jobs * factor));
  }

  @Override
  void validate() {
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs must be positive, got " + jobs);
    }
    if (concurrency < 1 || concurrency > 10_000) {
      throw new IllegalArgumentException("--concurrency must be in [1, 10000], got " + concurrency);
    }
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) {
    if (!env.dedicated) {
      env.progress(tag + " note: --redis was given, so other clients may disturb used_memory");
      return measure(env, env.uri, env.probe, namespace, tag);
    }
    // A fresh server per run: nothing left over from earlier runs (dict sizes, freed memory).
    try (SpoolRedis fresh = BenchEnv.startDedicated();
        RedisProbe probe = RedisProbe.connect(fresh.uri())) {
      env.progress(tag + " started a fresh dedicated redis-server at " + fresh.uri());
      RunResult result = measure(env, fresh.uri(), probe, namespace, tag);
      result.put("freshRedis", true);
      return result;
    }
  }

  private RunResult measure(
      BenchEnv env, String uri, RedisProbe probe, String namespace, String tag) {
    RunResult result = new RunResult();
    RunCounter counter = new RunCounter(jobs);
    List<Noop> args = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      args.add(new Noop(i));
    }
    try (Spool spool = spool(uri, namespace)) {
      String queue = BenchJobs.NOOP.queue();
      result.check(
          probe.awaitLazyFree(Duration.ofSeconds(30)),
          "Redis still had objects to free after 30 s");
      spool.monitor().counts(queue); // the connection is up and used once before measuring
      long before = probe.usedMemory();

      int enqueued = spool.enqueueAll(BenchJobs.NOOP, args).size();
      args = null;
      long afterEnqueue = probe.usedMemory();
      long queuedKeys = probe.countKeys(namespace);
      QueueCounts queued = spool.monitor().counts(queue);
      result.check(enqueued == jobs, "enqueueAll returned " + enqueued + " ids for " + jobs);
      result.check(queued.ready() == jobs, "ready after enqueue is " + queued.ready());
      env.progress(
          "%s enqueued %d jobs: used_memory %d -> %d (%.1f bytes/job)"
              .formatted(tag, jobs, before, afterEnqueue, (afterEnqueue - before) / (double) jobs));

      Worker worker =
          spool
              .worker("bench-memory")
              .queues(queue)
              .concurrency(concurrency)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(BenchJobs.NOOP, (job, a) -> counter.ran(a.n()))
              .start();
      Waited waited;
      try {
        waited = awaitCompleted(spool, queue, jobs, env.timeout());
        result.check(
            waited.inTime(),
            "timed out after " + env.options.timeoutSeconds + " s: " + waited.counts());
        verifyAllCompleted(spool, queue, jobs, result);
      } finally {
        worker.close(); // its connections are not part of what the jobs cost
      }
      long afterDone = probe.usedMemory();
      long retainedKeys = probe.countKeys(namespace);
      env.progress(
          "%s all succeeded: used_memory %d (%.1f bytes/status)"
              .formatted(tag, afterDone, (afterDone - before) / (double) jobs));

      result.put("usedMemoryBefore", before);
      result.put("usedMemoryAfterEnqueue", afterEnqueue);
      result.put("usedMemoryAfterSucceeded", afterDone);
      result.put("bytesPerQueuedJob", (afterEnqueue - before) / (double) jobs, 1);
      result.put("bytesPerRetainedStatus", (afterDone - before) / (double) jobs, 1);
      result.put("keysWhileQueued", queuedKeys);
      result.put("keysRetained", retainedKeys);
    }
    counter.report(result);
    return result;
  }
}
