package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * W3: an idle worker process; a fresh enqueuer process schedules warm-up jobs due over the next
 * second, idles, then schedules the measured jobs due evenly over the next seconds; the handlers
 * push start − due time (epoch microseconds) to a result list, read back at the end. A job that
 * starts before its due time is counted: there must be none.
 */
final class DelayedWorkload implements Workload {
  static final String RESULTS = "compare:lateness";
  static final String WARM_RESULTS = "compare:warm";
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final int jobs;
  private final int seconds;
  private final long leadMs;
  private final int warm;
  private final long idleMs;

  DelayedWorkload(int jobs, int seconds, long leadMs, int warm, long idleMs) {
    this.jobs = jobs;
    this.seconds = seconds;
    this.leadMs = leadMs;
    this.warm = warm;
    this.idleMs = idleMs;
  }

  @Override
  public String id() {
    return "W3";
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
    boolean scheduled = false;
    try {
      List<String> args =
          List.of(
              "--mode", "delayed",
              "--jobs", Integer.toString(jobs),
              "--seconds", Integer.toString(seconds),
              "--lead-ms", Long.toString(leadMs),
              "--warm", Integer.toString(warm),
              "--idle-ms", Long.toString(idleMs),
              "--list", RESULTS,
              "--warm-list", WARM_RESULTS);
      try (ChildProcess enqueuer =
          s.startEnqueuer(c, Workload.label(this, s, run, "enqueuer"), args)) {
        if (!enqueuer.awaitExit(c.timeout)) {
          r.problem("the enqueuer did not finish in " + c.timeout.toSeconds() + " s");
          return r;
        }
        JsonNode result = Comparison.lastJson(enqueuer);
        if (enqueuer.exitCode() != 0 || result == null) {
          r.problem("the enqueuer failed (" + enqueuer.exitCode() + "): " + enqueuer.stderrTail(5));
          return r;
        }
        scheduled = true;
        r.put("scheduleSeconds", result.path("scheduleSeconds").asDouble());
        r.put("enqueuedAfterDue", result.path("enqueuedAfterDue").asDouble());
        r.put("schedulerCpuMicrosPerJob", result.path("cpuMicros").asDouble() / jobs);
        long untilLastDue =
            Math.max(0, result.path("lastDueMs").asLong() - System.currentTimeMillis());
        Duration bound = SETTLE.plusMillis(untilLastDue);
        boolean all =
            Comparison.awaitAtLeast(() -> c.llen(RESULTS), jobs, bound, 20)
                && Comparison.awaitAtLeast(() -> c.llen(WARM_RESULTS), warm, SETTLE, 20);
        r.check(
            all,
            "results: "
                + c.llen(RESULTS)
                + " of "
                + jobs
                + ", warm-up "
                + c.llen(WARM_RESULTS)
                + " of "
                + warm);
      }
    } finally {
      boolean graceful = worker.stop(STOP_GRACE);
      r.problems.addAll(s.checkStopped(worker, graceful, scheduled ? warm + (long) jobs : -1));
    }
    long[] micros = c.readResults(RESULTS);
    r.check(micros.length == jobs, micros.length + " latenesses recorded for " + jobs + " jobs");
    if (micros.length > 0) {
      long early = 0;
      for (long m : micros) {
        early += m < 0 ? 1 : 0;
      }
      r.put("earlyStarts", early);
      if (early > 0) {
        r.warn(early + " jobs started before their due time");
      }
      r.put("latenessP50Ms", Stats.percentile(micros, 50) / 1000.0);
      r.put("latenessP99Ms", Stats.percentile(micros, 99) / 1000.0);
      r.put("latenessMinMs", micros[0] / 1000.0); // sorted by percentile()
      r.put("latenessMaxMs", micros[micros.length - 1] / 1000.0);
      c.progress(
          "W3 %s run %d: lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms; %d early"
              .formatted(
                  s.id(),
                  run,
                  r.figures.get("latenessP50Ms"),
                  r.figures.get("latenessP99Ms"),
                  r.figures.get("latenessMaxMs"),
                  early));
    }
    r.problems.addAll(s.leftovers(c));
    return r;
  }
}
