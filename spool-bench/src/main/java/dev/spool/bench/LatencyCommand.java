package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Sent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * W2 latency: a worker node waits idle; single jobs are enqueued at a fixed rate, each carrying the
 * time it was sent; the handler records how long after that it started.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = "W2: enqueue single jobs at a fixed rate; enqueue-to-start latency percentiles.")
public final class LatencyCommand extends WorkloadCommand {
  /** Latencies above an hour are recorded as an hour. */
  static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Jobs enqueued per second. Default: ${DEFAULT-VALUE}.")
  int rate = 1000;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "How long to enqueue. Default: ${DEFAULT-VALUE}.")
  double seconds = 10;

  @Option(
      names = "--concurrency",
      defaultValue = "50",
      description = "Concurrency of the worker node. Default: ${DEFAULT-VALUE}.")
  int concurrency = 50;

  @Override
  String id() {
    return "W2";
  }

  @Override
  String name() {
    return "latency";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("rate", rate);
    s.put("seconds", seconds);
    s.put("jobs", jobs());
    s.put("concurrency", concurrency);
    s.put("clock", "System.nanoTime, one JVM");
    return s;
  }

  private int jobs() {
    return (int) Math.round(rate * seconds);
  }

  @Override
  List<String> mainFigures() {
    return List.of("p50Ms", "p95Ms", "p99Ms", "maxMs", "achievedRate");
  }

  @Override
  void scale(double factor) {
    seconds = Math.max(1, seconds * factor);
  }

  @Override
  void validate() {
    if (rate < 1 || rate > 1_000_000) {
      throw new IllegalArgumentException("--rate must be in [1, 1000000], got " + rate);
    }
    if (!(seconds > 0) || jobs() < 1) {
      throw new IllegalArgumentException("--seconds must make at least one job, got " + seconds);
    }
    CommonOptions.requireConcurrency("--concurrency", concurrency);
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) {
    RunResult result = new RunResult();
    int n = jobs();
    Histogram latency = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    RunCounter counter = new RunCounter(n);
    try (Spool spool = spool(env, namespace)) {
      String queue = BenchJobs.SENT.queue();
      Worker worker =
          spool
              .worker("bench-latency")
              .queues(queue)
              .concurrency(concurrency)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(
                  BenchJobs.SENT,
                  (job, a) -> {
                    long micros = (System.nanoTime() - a.sentNanos()) / 1000;
                    latency.recordValue(Math.clamp(micros, 0, HIGHEST_MICROS));
                    counter.ran(a.n());
                  })
              .start();
      Waits.sleep(500); // let the node reach its idle wait
      env.progress("%s enqueueing %d jobs at %d/s".formatted(tag, n, rate));

      long periodNanos = 1_000_000_000L / rate;
      long maxLagNanos = 0;
      int failed = 0;
      long t0 = System.nanoTime() + 1_000_000;
      for (int i = 0; i < n; i++) {
        long target = t0 + i * periodNanos;
        Waits.parkUntil(target);
        long now = System.nanoTime();
        maxLagNanos = Math.max(maxLagNanos, now - target);
        try {
          spool.enqueue(BenchJobs.SENT, new Sent(now, i));
        } catch (RuntimeException e) {
          if (failed++ == 0) {
            env.progress(tag + " enqueue failed: " + e);
          }
        }
      }
      double sendSeconds = (System.nanoTime() - t0) / 1e9;
      result.put("sendSeconds", sendSeconds, 3);
      result.put("achievedRate", n / sendSeconds, 1);
      result.put("senderMaxLagMs", maxLagNanos / 1e6, 3);
      result.put("enqueueFailures", failed);
      result.check(failed == 0, failed + " enqueue calls failed");

      boolean ran = Waits.until(() -> counter.total() >= n, env.timeout(), 20);
      Waited waited = awaitCompleted(spool, queue, n, env.timeout());
      result.check(
          ran && waited.inTime(),
          "timed out after "
              + env.options.timeoutSeconds
              + " s: handler ran "
              + counter.total()
              + " of "
              + n
              + ", "
              + waited.counts());
      verifyAllCompleted(spool, queue, n, result);
      worker.close();
    }
    counter.report(result);
    Histogram h = latency.copy();
    result.put("count", h.getTotalCount());
    result.put("p50Ms", h.getValueAtPercentile(50) / 1000.0, 3);
    result.put("p95Ms", h.getValueAtPercentile(95) / 1000.0, 3);
    result.put("p99Ms", h.getValueAtPercentile(99) / 1000.0, 3);
    result.put("p999Ms", h.getValueAtPercentile(99.9) / 1000.0, 3);
    result.put("maxMs", h.getMaxValue() / 1000.0, 3);
    result.put("meanMs", h.getMean() / 1000.0, 3);
    env.progress(
        "%s latency ms: p50 %.3f p95 %.3f p99 %.3f max %.3f (%d jobs)"
            .formatted(
                tag,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                h.getTotalCount()));
    return result;
  }
}
