package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobOptions;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Due;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * W3 delayed precision: jobs due at times spread evenly over the next seconds; each handler records
 * how late it started (start − due, wall clock).
 */
@Command(
    name = "delayed",
    mixinStandardHelpOptions = true,
    description =
        "W3: schedule jobs due over the next seconds; lateness (start - due) percentiles.")
public final class DelayedCommand extends WorkloadCommand {
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  @Option(
      names = "--jobs",
      defaultValue = "5000",
      description = "Jobs to schedule. Default: ${DEFAULT-VALUE}.")
  int jobs = 5000;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description =
          "The due times spread evenly over this many seconds. Default: ${DEFAULT-VALUE}.")
  double seconds = 10;

  @Option(
      names = "--lead-ms",
      defaultValue = "250",
      description =
          "The first job is due this long after scheduling starts, so that enqueueing keeps ahead"
              + " of the due times. Default: ${DEFAULT-VALUE}.")
  long leadMs = 250;

  @Option(
      names = "--concurrency",
      defaultValue = "50",
      description = "Concurrency of the worker node. Default: ${DEFAULT-VALUE}.")
  int concurrency = 50;

  @Override
  String id() {
    return "W3";
  }

  @Override
  String name() {
    return "delayed";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("jobs", jobs);
    s.put("seconds", seconds);
    s.put("leadMs", leadMs);
    s.put("concurrency", concurrency);
    s.put("clock", "wall clock, epoch µs");
    return s;
  }

  @Override
  List<String> mainFigures() {
    return List.of("latenessP50Ms", "latenessP99Ms", "latenessMaxMs");
  }

  @Override
  void scale(double factor) {
    jobs = Math.max(10, (int) (jobs * factor));
    seconds = Math.max(1, seconds * factor);
  }

  @Override
  void validate() {
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs must be positive, got " + jobs);
    }
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("--seconds must be positive, got " + seconds);
    }
    if (leadMs < 0) {
      throw new IllegalArgumentException("--lead-ms must not be negative, got " + leadMs);
    }
    CommonOptions.requireConcurrency("--concurrency", concurrency);
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) {
    RunResult result = new RunResult();
    Histogram lateness = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    LongAdder early = new LongAdder();
    LongAccumulator minLatenessMicros = new LongAccumulator(Math::min, Long.MAX_VALUE);
    LongAdder lateOver10Ms = new LongAdder();
    long[] firstDue = {0};
    // the due offset (ms after the first due time) of the job that was latest, packed with it
    long[] worst = {Long.MIN_VALUE, -1};
    Object worstLock = new Object();
    RunCounter counter = new RunCounter(jobs);
    try (Spool spool = spool(env, namespace)) {
      String queue = BenchJobs.DUE.queue();
      Worker worker =
          spool
              .worker("bench-delayed")
              .queues(queue)
              .concurrency(concurrency)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(
                  BenchJobs.DUE,
                  (job, a) -> {
                    long late = epochMicros() - a.dueMs() * 1000;
                    minLatenessMicros.accumulate(late);
                    if (late < 0) {
                      early.increment();
                    }
                    lateness.recordValue(Math.clamp(late, 0, HIGHEST_MICROS));
                    if (late > 10_000) {
                      lateOver10Ms.increment();
                    }
                    synchronized (worstLock) {
                      if (late > worst[0]) {
                        worst[0] = late;
                        worst[1] = a.dueMs() - firstDue[0];
                      }
                    }
                    counter.ran(a.n());
                  })
              .start();
      Waits.sleep(300); // let the node reach its idle wait

      long windowMs = Math.round(seconds * 1000);
      firstDue[0] = System.currentTimeMillis() + leadMs;
      int enqueuedAfterDue = 0;
      int failed = 0;
      long e0 = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        long due = firstDue[0] + (long) i * windowMs / jobs;
        if (System.currentTimeMillis() >= due) {
          enqueuedAfterDue++;
        }
        try {
          spool.enqueue(
              BenchJobs.DUE,
              new Due(due, i),
              JobOptions.builder().runAt(Instant.ofEpochMilli(due)).build());
        } catch (RuntimeException e) {
          if (failed++ == 0) {
            env.progress(tag + " enqueue failed: " + e);
          }
        }
      }
      double enqueueSeconds = (System.nanoTime() - e0) / 1e9;
      env.progress(
          "%s scheduled %d jobs over %d ms in %.2f s (%d enqueued at or after their due time)"
              .formatted(tag, jobs, windowMs, enqueueSeconds, enqueuedAfterDue));
      result.put("enqueueSeconds", enqueueSeconds, 3);
      result.put("enqueuedAfterDue", enqueuedAfterDue);
      result.put("enqueueFailures", failed);
      result.check(failed == 0, failed + " enqueue calls failed");

      Duration bound = env.timeout().plusMillis(windowMs + leadMs);
      boolean ran = Waits.until(() -> counter.total() >= jobs, bound, 20);
      Waited waited = awaitCompleted(spool, queue, jobs, bound);
      result.check(
          ran && waited.inTime(),
          "timed out: handler ran " + counter.total() + " of " + jobs + ", " + waited.counts());
      verifyAllCompleted(spool, queue, jobs, result);
      worker.close();
    }
    counter.report(result);
    Histogram h = lateness.copy();
    result.put("count", h.getTotalCount());
    result.put("latenessP50Ms", h.getValueAtPercentile(50) / 1000.0, 3);
    result.put("latenessP99Ms", h.getValueAtPercentile(99) / 1000.0, 3);
    result.put("latenessMaxMs", h.getMaxValue() / 1000.0, 3);
    result.put("latenessMeanMs", h.getMean() / 1000.0, 3);
    long min = minLatenessMicros.get();
    result.put("latenessMinMs", min == Long.MAX_VALUE ? Double.NaN : min / 1000.0, 3);
    result.put("startedEarly", early.sum());
    result.put("lateOver10Ms", lateOver10Ms.sum());
    synchronized (worstLock) {
      result.put("latestJobDueOffsetMs", worst[1]);
    }
    env.progress(
        "%s lateness ms: p50 %.3f p99 %.3f max %.3f; %d started before their due time"
            .formatted(
                tag,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                early.sum()));
    return result;
  }

  private static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }
}
