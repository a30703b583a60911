package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * W2: an idle worker process; a fresh enqueuer process sends warm-up jobs, idles, then sends single
 * jobs at a fixed rate, each carrying its send time; the handlers push start − send time to a
 * result list, read back at the end. Also the enqueuer's CPU time per job over the measured phase.
 *
 * <p>Its back-to-back form ("single") sends the jobs one after another, each awaited, with no
 * pacing: the enqueuer's CPU per call when it sleeps only while each answer comes. A paced sender
 * also sleeps until each send time and its CPU idles in between, wake-ups that are dear on a
 * virtual machine.
 */
final class LatencyWorkload implements Workload {
  static final String RESULTS = "compare:latency";
  static final String WARM_RESULTS = "compare:warm";
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofSeconds(60);
  // Back to back, an enqueuer manages thousands a second; this bounds a run that does not.
  private static final int SLOWEST_BACK_TO_BACK_PER_SEC = 500;

  private final int rate; // jobs/s; 0: back to back
  private final int seconds; // paced: the measured seconds
  private final int jobs; // back to back: the measured jobs
  private final int warm;
  private final long idleMs;

  private LatencyWorkload(int rate, int seconds, int jobs, int warm, long idleMs) {
    this.rate = rate;
    this.seconds = seconds;
    this.jobs = jobs;
    this.warm = warm;
    this.idleMs = idleMs;
  }

  /** W2: single enqueues at {@code rate} per second for {@code seconds}. */
  static LatencyWorkload paced(int rate, int seconds, int warm, long idleMs) {
    return new LatencyWorkload(rate, seconds, 0, warm, idleMs);
  }

  /** {@code jobs} single enqueues one after another. */
  static LatencyWorkload backToBack(int jobs, int warm, long idleMs) {
    return new LatencyWorkload(0, 0, jobs, warm, idleMs);
  }

  @Override
  public String id() {
    return rate > 0 ? "W2-" + rate : "single";
  }

  private List<String> enqueuerArgs() {
    List<String> args = new ArrayList<>();
    if (rate > 0) {
      args.addAll(
          List.of(
              "--mode",
              "rate",
              "--rate",
              Integer.toString(rate),
              "--seconds",
              Integer.toString(seconds)));
    } else {
      args.addAll(List.of("--mode", "single", "--jobs", Integer.toString(jobs)));
    }
    args.addAll(
        List.of(
            "--warm",
            Integer.toString(warm),
            "--idle-ms",
            Long.toString(idleMs),
            "--list",
            RESULTS,
            "--warm-list",
            WARM_RESULTS));
    return args;
  }

  /** How long the enqueuer may take, beyond the comparison's timeout. */
  private long expectedSeconds() {
    return rate > 0 ? seconds + warm / rate : (jobs + warm) / SLOWEST_BACK_TO_BACK_PER_SEC;
  }

  @Override
  public RunRecord run(ComparedSystem s, int run, Comparison c) {
    RunRecord r = new RunRecord(id(), s.id(), run);
    c.flush();
    ChildProcess worker =
        Workload.startReadyWorker(s, c, Workload.label(this, s, run, "worker"), r);
    if (worker == null) {
      return r;
    }
    long sent = -1;
    try {
      List<String> args = enqueuerArgs();
      Duration bound = c.timeout.plusSeconds(expectedSeconds());
      try (ChildProcess enqueuer =
          s.startEnqueuer(c, Workload.label(this, s, run, "enqueuer"), args)) {
        if (!enqueuer.awaitExit(bound)) {
          r.problem("the enqueuer did not finish in " + bound.toSeconds() + " s");
          return r;
        }
        JsonNode result = Comparison.lastJson(enqueuer);
        if (enqueuer.exitCode() != 0 || result == null) {
          r.problem("the enqueuer failed (" + enqueuer.exitCode() + "): " + enqueuer.stderrTail(5));
          return r;
        }
        sent = result.path("sent").asLong();
        r.put("sent", sent);
        if (rate > 0) {
          r.put("lateSends", result.path("lateSends").asDouble());
        } else {
          r.put("sendJobsPerSec", result.path("jobsPerSec").asDouble());
        }
        r.put("sendSeconds", result.path("seconds").asDouble());
        r.put("enqueuerCpuMicrosPerJob", result.path("cpuMicros").asDouble() / sent);
        r.put("enqueuerProcessCpuSeconds", result.path("processCpuMicros").asDouble() / 1e6);
      }
      boolean all =
          Comparison.awaitAtLeast(() -> c.llen(RESULTS), sent, SETTLE, 20)
              && Comparison.awaitAtLeast(() -> c.llen(WARM_RESULTS), warm, SETTLE, 20);
      r.check(
          all,
          "results: "
              + c.llen(RESULTS)
              + " of "
              + sent
              + ", warm-up "
              + c.llen(WARM_RESULTS)
              + " of "
              + warm);
    } finally {
      boolean graceful = worker.stop(STOP_GRACE);
      r.problems.addAll(s.checkStopped(worker, graceful, sent < 0 ? -1 : warm + sent));
    }
    long[] micros = c.readResults(RESULTS);
    r.check(
        micros.length == sent, micros.length + " latencies recorded for " + sent + " jobs sent");
    if (micros.length > 0) {
      long negative = 0;
      for (long m : micros) {
        negative += m < 0 ? 1 : 0;
      }
      r.check(negative == 0, negative + " latencies are negative (clock trouble)");
      r.put("latencyP50Ms", Stats.percentile(micros, 50) / 1000.0);
      r.put("latencyP99Ms", Stats.percentile(micros, 99) / 1000.0);
      r.put("latencyMaxMs", micros[micros.length - 1] / 1000.0); // sorted by percentile()
      if (rate > 0) {
        c.progress(
            "%s %s run %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms; enqueuer CPU %.1f µs/job"
                .formatted(
                    id(),
                    s.id(),
                    run,
                    r.figures.get("latencyP50Ms"),
                    r.figures.get("latencyP99Ms"),
                    r.figures.get("latencyMaxMs"),
                    r.figures.get("enqueuerCpuMicrosPerJob")));
      } else { // its latencies are mostly queueing behind the flood: in the JSON line only
        c.progress(
            "%s %s run %d: %.0f jobs/s; enqueuer CPU %.1f µs/job"
                .formatted(
                    id(),
                    s.id(),
                    run,
                    r.figures.get("sendJobsPerSec"),
                    r.figures.get("enqueuerCpuMicrosPerJob")));
      }
    }
    r.problems.addAll(s.leftovers(c));
    return r;
  }
}
