package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * W1: a fresh enqueuer process bulk-enqueues N jobs in chunks, then one worker process is started
 * and timed until all N are done, as Redis counts them: the INCR counter the handlers drive (INCR
 * jobs), the queue's own bookkeeping (no-op jobs). Also the worker's CPU time and peak RSS from
 * /proc, and Redis's CPU time from INFO, over the same span.
 */
final class ThroughputWorkload implements Workload {
  static final String COUNTER = "compare:counter";
  private static final long POLL_MS = 5;
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final boolean incr;
  private final int jobs;
  private final int chunk;

  ThroughputWorkload(boolean incr, int jobs, int chunk) {
    this.incr = incr;
    this.jobs = jobs;
    this.chunk = chunk;
  }

  @Override
  public String id() {
    return incr ? "W1-incr" : "W1-noop";
  }

  @Override
  public RunRecord run(ComparedSystem s, int run, Comparison c) {
    RunRecord r = new RunRecord(id(), s.id(), run);
    c.flush();
    if (!enqueue(s, run, c, r)) {
      return r;
    }
    long waiting = s.waiting(c);
    if (waiting != jobs) {
      r.problem("after the enqueue " + waiting + " jobs wait, expected " + jobs);
      return r;
    }
    LongSupplier done = incr ? () -> c.counter(COUNTER) : () -> s.finished(c, jobs);
    double redisCpu0 = c.redisCpuSeconds();
    long t0 = System.nanoTime();
    ChildProcess worker = s.startWorker(c, Workload.label(this, s, run, "worker"));
    try {
      long deadline = t0 + c.timeout.toNanos();
      long tFirst = 0;
      long tReady = 0;
      long doneAtFirst = 0;
      double cpuAtFirst = Double.NaN;
      long progress;
      while ((progress = done.getAsLong()) < jobs) {
        long now = System.nanoTime();
        if (tReady == 0 && worker.lines().stream().anyMatch(s::isReady)) {
          tReady = now; // when it said it started: the rest of the start-up is its first fetches
        }
        if (tFirst == 0 && progress > 0) {
          tFirst = now;
          doneAtFirst = progress;
          cpuAtFirst = worker.cpuSeconds();
        }
        if (!worker.isAlive()) {
          r.problem("the worker exited early (" + worker.exitCode() + "): " + worker.stderrTail(5));
          return r;
        }
        if (now - deadline >= 0) {
          r.problem(
              "timed out after "
                  + c.timeout.toSeconds()
                  + " s with "
                  + progress
                  + " of "
                  + jobs
                  + " done");
          return r;
        }
        Pause.millis(POLL_MS);
      }
      long tDone = System.nanoTime();
      double cpu = worker.cpuSeconds();
      long peakKb = worker.peakRssKb();
      double redisCpu = c.redisCpuSeconds() - redisCpu0;
      double seconds = (tDone - t0) / 1e9;
      r.put("processSeconds", seconds);
      r.put("processedJobsPerSec", jobs / seconds);
      if (tFirst != 0 && tDone > tFirst && doneAtFirst < jobs) {
        r.put("workerFirstJobSeconds", (tFirst - t0) / 1e9);
        if (tReady != 0) {
          r.put("workerReadySeconds", (tReady - t0) / 1e9);
        }
        r.put("processedJobsPerSecFromFirstJob", (jobs - doneAtFirst) / ((tDone - tFirst) / 1e9));
        r.put("workerCpuMicrosPerJobFromFirstJob", (cpu - cpuAtFirst) * 1e6 / (jobs - doneAtFirst));
      }
      r.put("workerCpuSeconds", cpu);
      r.put("workerCpuMicrosPerJob", cpu * 1e6 / jobs);
      r.put("workerPeakRssMb", peakKb < 0 ? Double.NaN : peakKb / 1024.0);
      r.put("redisCpuMicrosPerJob", redisCpu * 1e6 / jobs);
      r.note("workerCommand", ProcStat.commandLine(worker.pid));
      c.progress(
          "%s %s run %d: %d jobs in %.2f s = %.0f jobs/s; worker CPU %.1f µs/job, peak RSS %.0f MB"
              .formatted(
                  id(),
                  s.id(),
                  run,
                  jobs,
                  seconds,
                  jobs / seconds,
                  cpu * 1e6 / jobs,
                  peakKb / 1024.0));
    } finally {
      boolean graceful = worker.stop(STOP_GRACE);
      r.problems.addAll(s.checkStopped(worker, graceful, jobs));
    }
    verify(s, c, r);
    return r;
  }

  /** Runs the bulk enqueuer to its end; false (with a problem) if it failed. */
  private boolean enqueue(ComparedSystem s, int run, Comparison c, RunRecord r) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--mode",
                "bulk",
                "--jobs",
                Integer.toString(jobs),
                "--chunk",
                Integer.toString(chunk),
                "--name",
                incr ? "compare-incr" : "compare-noop"));
    if (incr) {
      args.addAll(List.of("--key", COUNTER));
    }
    try (ChildProcess enqueuer =
        s.startEnqueuer(c, Workload.label(this, s, run, "enqueuer"), args)) {
      if (!enqueuer.awaitExit(c.timeout)) {
        r.problem("the bulk enqueuer did not finish in " + c.timeout.toSeconds() + " s");
        return false;
      }
      JsonNode result = Comparison.lastJson(enqueuer);
      if (enqueuer.exitCode() != 0 || result == null) {
        r.problem(
            "the bulk enqueuer failed (" + enqueuer.exitCode() + "): " + enqueuer.stderrTail(5));
        return false;
      }
      r.put("enqueueJobsPerSec", result.path("jobsPerSec").asDouble());
      r.put("enqueueSeconds", result.path("seconds").asDouble());
      r.put("enqueueCpuMicrosPerJob", result.path("cpuMicros").asDouble() / jobs);
      r.put("enqueuerProcessCpuSeconds", result.path("processCpuMicros").asDouble() / 1e6);
      return true;
    }
  }

  /** Exactly N done, none twice, nothing left in the queue. */
  private void verify(ComparedSystem s, Comparison c, RunRecord r) {
    if (incr) {
      long counted = c.counter(COUNTER);
      r.check(counted == jobs, "the INCR counter is " + counted + ", expected " + jobs);
    }
    long finished = s.finished(c, jobs);
    r.check(finished == jobs, finished + " jobs finished by the queue's count, expected " + jobs);
    r.problems.addAll(s.leftovers(c));
  }
}
