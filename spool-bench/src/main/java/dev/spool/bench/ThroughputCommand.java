package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobType;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Noop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * W1 throughput: bulk-enqueue N no-op jobs, then time one worker node until Redis counts all N
 * completed; also the Redis ceiling (W7) measured in the same run, and W1 as a fraction of it.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description =
        "W1: enqueue N no-op jobs in bulk, then time one worker node until all succeeded.")
public final class ThroughputCommand extends WorkloadCommand {
  @Option(
      names = "--jobs",
      defaultValue = "100000",
      description = "Jobs to enqueue. Default: ${DEFAULT-VALUE}.")
  int jobs = 100_000;

  @Option(
      names = "--concurrency",
      defaultValue = "200",
      description = "Concurrency of the worker node. Default: ${DEFAULT-VALUE}.")
  int concurrency = 200;

  @Option(
      names = "--ceiling-ops",
      defaultValue = "200000",
      description = "Pipelined INCRs of the Redis ceiling (W7). Default: ${DEFAULT-VALUE}.")
  int ceilingOps = 200_000;

  @Option(
      names = "--ceiling-round-trip-ops",
      defaultValue = "20000",
      description = "INCRs one round trip at a time, for the ceiling. Default: ${DEFAULT-VALUE}.")
  int ceilingRoundTripOps = 20_000;

  @Option(
      names = "--unique",
      description =
          "Make every job unique (an until-executed lock with a distinct key per job), to measure"
              + " what locks cost.")
  boolean unique;

  @Option(
      names = "--concurrency-limit",
      paramLabel = "N",
      description =
          "Give the job type a concurrency limit of N across nodes (JobType.withConcurrencyLimit);"
              + " with N at least --concurrency it never binds, to measure what a limit costs.")
  Integer concurrencyLimit;

  @Option(
      names = "--observed",
      description =
          "Run with Micrometer metrics and OpenTelemetry tracing (SDK, no exporter), to measure"
              + " what they cost.")
  boolean observed;

  static final int CEILING_BATCH = 1000;

  @Override
  String id() {
    return "W1";
  }

  @Override
  String name() {
    return "throughput";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("jobs", jobs);
    s.put("concurrency", concurrency);
    s.put("workers", 1);
    s.put("unique", unique);
    if (concurrencyLimit != null) {
      s.put("concurrencyLimit", concurrencyLimit);
    }
    s.put("observed", observed);
    s.put("ceilingOps", ceilingOps);
    s.put("ceilingBatch", CEILING_BATCH);
    s.put("ceilingRoundTripOps", ceilingRoundTripOps);
    return s;
  }

  @Override
  List<String> mainFigures() {
    return List.of(
        "enqueueJobsPerSec",
        "processedJobsPerSec",
        "peakRssMb",
        "ceilingPipelinedOpsPerSec",
        "ceilingRoundTripOpsPerSec",
        "processedFractionOfCeiling");
  }

  @Override
  void scale(double factor) {
    jobs = Math.max(100, (int) (jobs * factor));
    ceilingOps = Math.max(CEILING_BATCH, (int) (ceilingOps * factor));
    ceilingRoundTripOps = Math.max(100, (int) (ceilingRoundTripOps * factor));
  }

  @Override
  void validate() {
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs must be positive, got " + jobs);
    }
    CommonOptions.requireConcurrency("--concurrency", concurrency);
    if (concurrencyLimit != null) {
      CommonOptions.requireConcurrency("--concurrency-limit", concurrencyLimit);
    }
    if (ceilingOps < 1 || ceilingRoundTripOps < 1) {
      throw new IllegalArgumentException("--ceiling-ops and --ceiling-round-trip-ops must be > 0");
    }
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) {
    RunResult result = new RunResult();
    boolean peakReset = ProcStatus.resetPeak();
    List<Noop> args = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      args.add(new Noop(i));
    }
    RunCounter counter = new RunCounter(jobs);
    double processedPerSec;
    JobType<Noop> type = unique ? BenchJobs.UNIQUE_NOOP : BenchJobs.NOOP;
    if (concurrencyLimit != null) {
      type = type.withConcurrencyLimit(concurrencyLimit);
    }
    Observability observability = observed ? new Observability() : null;
    try (Spool spool = observed ? observability.spool(env.uri, namespace) : spool(env, namespace)) {
      String queue = type.queue();

      long e0 = System.nanoTime();
      int enqueued = spool.enqueueAll(type, args).size();
      double enqueueSeconds = (System.nanoTime() - e0) / 1e9;
      args = null;
      QueueCounts queued = spool.monitor().counts(queue);
      env.progress(
          "%s enqueued %d jobs in %.2f s (%.0f jobs/s); ready=%d"
              .formatted(tag, enqueued, enqueueSeconds, jobs / enqueueSeconds, queued.ready()));
      result.put("enqueued", enqueued);
      result.put("enqueueSeconds", enqueueSeconds, 3);
      result.put("enqueueJobsPerSec", jobs / enqueueSeconds, 0);
      result.check(enqueued == jobs, "enqueueAll returned " + enqueued + " ids for " + jobs);
      result.check(queued.ready() == jobs, "ready after enqueue is " + queued.ready());

      long p0 = System.nanoTime();
      Worker worker =
          spool
              .worker("bench-1")
              .queues(queue)
              .concurrency(concurrency)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(type, (job, a) -> counter.ran(a.n()))
              .start();
      Waited waited;
      try {
        waited = awaitCompleted(spool, queue, jobs, env.timeout());
      } finally {
        double seconds = (System.nanoTime() - p0) / 1e9;
        processedPerSec = jobs / seconds;
        result.put("processSeconds", seconds, 3);
      }
      result.put("processedJobsPerSec", waited.inTime() ? processedPerSec : Double.NaN, 0);
      result.check(
          waited.inTime(),
          "timed out after " + env.options.timeoutSeconds + " s: " + waited.counts());
      env.progress(
          "%s processed %d jobs: %.0f jobs/s (%s)"
              .formatted(tag, waited.counts().completed(), processedPerSec, waited.counts()));
      verifyAllCompleted(spool, queue, jobs, result);
      worker.close();
      if (observed) {
        result.check(
            observability.succeeded() == jobs,
            "the metrics counted " + observability.succeeded() + " successes");
      }
    } finally {
      if (observability != null) {
        observability.close();
      }
    }
    counter.report(result);
    long peakKb = ProcStatus.peakRssKb();
    result.put("peakRssMb", peakKb < 0 ? Double.NaN : peakKb / 1024.0, 1);
    result.put("peakRssResetAtStart", peakReset);

    RedisProbe.Ceiling ceiling =
        env.probe.ceiling(
            namespace + ":bench:ceiling:",
            ceilingOps,
            CEILING_BATCH,
            ceilingRoundTripOps,
            env.timeout());
    result.put("ceilingPipelinedOpsPerSec", ceiling.pipelinedOpsPerSec(), 0);
    result.put("ceilingRoundTripOpsPerSec", ceiling.roundTripOpsPerSec(), 0);
    result.put(
        "processedFractionOfCeiling",
        result.verified() ? processedPerSec / ceiling.pipelinedOpsPerSec() : Double.NaN,
        4);
    result.check(ceiling.verified(), "the ceiling's INCR counters are off (or it timed out)");
    env.progress(
        "%s Redis ceiling: %.0f INCR/s pipelined, %.0f INCR/s one round trip at a time"
            .formatted(tag, ceiling.pipelinedOpsPerSec(), ceiling.roundTripOpsPerSec()));
    return result;
  }
}
