package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.Batch;
import dev.spool.BatchProgress;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Noop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A batch of N no-op parts end to end (submit, run, on-complete job), and, in the same run and
 * Redis, N plain no-op jobs as W1 runs them: the batch's overhead is the ratio of the two.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = "A batch of N no-op parts end to end, against N plain jobs (W1) in the same run.")
public final class BatchCommand extends WorkloadCommand {
  record Done(int parts) {}

  static final JobType<Noop> PART = JobType.of("bench-part", Noop.class);
  static final JobType<Done> DONE = JobType.of("bench-batch-done", Done.class);

  @Option(
      names = "--parts",
      defaultValue = "100000",
      description = "Parts of the batch (and plain jobs). Default: ${DEFAULT-VALUE}.")
  int parts = 100_000;

  @Option(
      names = "--concurrency",
      defaultValue = "200",
      description = "Concurrency of the worker node. Default: ${DEFAULT-VALUE}.")
  int concurrency = 200;

  @Override
  String id() {
    return "W1-batch";
  }

  @Override
  String name() {
    return "batch";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("parts", parts);
    s.put("concurrency", concurrency);
    return s;
  }

  @Override
  List<String> mainFigures() {
    return List.of("batchJobsPerSec", "plainJobsPerSec", "batchToPlainRatio", "submitPartsPerSec");
  }

  @Override
  void scale(double factor) {
    parts = Math.max(100, (int) (parts * factor));
  }

  @Override
  void validate() {
    if (parts < 1) {
      throw new IllegalArgumentException("--parts must be positive, got " + parts);
    }
    CommonOptions.requireConcurrency("--concurrency", concurrency);
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) throws Exception {
    RunResult result = new RunResult();
    List<Noop> args = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      args.add(new Noop(i));
    }
    try (Spool spool = spool(env, namespace)) {
      AtomicInteger callbacks = new AtomicInteger();
      RunCounter counter = new RunCounter(parts);
      Worker worker =
          spool
              .worker("bench-1")
              .queues(PART.queue())
              .concurrency(concurrency)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(PART, (job, a) -> counter.ran(a.n()))
              .handle(DONE, (job, d) -> callbacks.incrementAndGet())
              .handle(BenchJobs.NOOP, (job, a) -> {})
              .start();

      // The batch: submitted while the worker runs, as an application would.
      long b0 = System.nanoTime();
      Batch.Builder builder = spool.batch().onComplete(DONE, new Done(parts));
      args.forEach(a -> builder.add(PART, a));
      Batch batch = builder.submit();
      double submitSeconds = (System.nanoTime() - b0) / 1e9;
      boolean finished = Waits.until(() -> callbacks.get() >= 1, env.timeout(), 20);
      double batchSeconds = (System.nanoTime() - b0) / 1e9;
      BatchProgress progress = batch.progress();
      result.put("submitSeconds", submitSeconds, 3);
      result.put("submitPartsPerSec", parts / submitSeconds, 0);
      result.put("batchSeconds", batchSeconds, 3);
      result.put("batchJobsPerSec", finished ? parts / batchSeconds : Double.NaN, 0);
      result.check(finished, "the batch did not finish in time: " + progress);
      result.check(
          progress.equals(new BatchProgress(parts, 0, parts, 0, true, false)),
          "batch progress is " + progress);
      counter.report(result);
      env.progress(
          "%s batch of %d parts: %.0f jobs/s end to end (%s)"
              .formatted(tag, parts, parts / batchSeconds, progress));

      // The same number of plain jobs, same worker, same Redis.
      long p0 = System.nanoTime();
      spool.enqueueAll(BenchJobs.NOOP, args);
      Waited plain = awaitCompleted(spool, BenchJobs.NOOP.queue(), 2L * parts, env.timeout());
      double plainSeconds = (System.nanoTime() - p0) / 1e9;
      result.put("plainJobsPerSec", plain.inTime() ? parts / plainSeconds : Double.NaN, 0);
      result.check(plain.inTime(), "plain jobs timed out: " + plain.counts());
      result.put("batchToPlainRatio", (parts / batchSeconds) / (parts / plainSeconds), 3);
      await(Duration.ofMillis(200));
      result.put("onCompleteRuns", callbacks.get());
      result.check(callbacks.get() == 1, "the on-complete job ran " + callbacks.get() + " times");
      worker.close();
    }
    return result;
  }

  private static void await(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
