package dev.spool.bench.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of the comparison's table: a figure of one workload, how to print it, and which way is
 * better.
 */
record Figure(String workload, String key, String label, int decimals, boolean higherIsBetter) {
  /** The pseudo-system of figures that belong to Redis, not to a compared system. */
  static final String REDIS = "redis";

  /** The rows of the table, in order, for the workloads as configured. */
  static List<Figure> rows(List<Integer> rates, int chunk, int delayedJobs, int singleJobs) {
    List<Figure> rows = new ArrayList<>();
    rows.add(
        new Figure("W1-incr", "processedJobsPerSec", "W1 jobs/s, each job one INCR (1)", 0, true));
    rows.add(
        new Figure(
            "W1-incr",
            "processedJobsPerSecFromFirstJob",
            "  the same from the first job done (2)",
            0,
            true));
    rows.add(
        new Figure(
            "W1-incr",
            "workerFirstJobSeconds",
            "  worker start-up s: process start to first job done",
            2,
            false));
    rows.add(
        new Figure(
            "W1-incr",
            "workerReadySeconds",
            "  of which until it printed that it started",
            2,
            false));
    rows.add(
        new Figure("W1-noop", "processedJobsPerSec", "W1 jobs/s, no-op handlers (1)", 0, true));
    rows.add(
        new Figure(
            "W1-noop",
            "processedJobsPerSecFromFirstJob",
            "  the same from the first job done (2)",
            0,
            true));
    rows.add(
        new Figure("W1-incr", "workerCpuMicrosPerJob", "worker CPU µs/job, W1 INCR (3)", 1, false));
    rows.add(
        new Figure(
            "W1-incr",
            "workerCpuMicrosPerJobFromFirstJob",
            "  the same from the first job done",
            1,
            false));
    rows.add(
        new Figure("W1-noop", "workerCpuMicrosPerJob", "worker CPU µs/job, W1 no-op", 1, false));
    rows.add(new Figure("W1-incr", "workerPeakRssMb", "worker peak RSS MB, W1 INCR", 0, false));
    rows.add(new Figure("W1-noop", "workerPeakRssMb", "worker peak RSS MB, W1 no-op", 0, false));
    rows.add(
        new Figure("W1-incr", "redisCpuMicrosPerJob", "Redis CPU µs/job, W1 INCR (4)", 1, false));
    rows.add(new Figure("W1-noop", "redisCpuMicrosPerJob", "Redis CPU µs/job, W1 no-op", 1, false));
    rows.add(
        new Figure(
            "W1-incr",
            "enqueueJobsPerSec",
            "bulk enqueue jobs/s, chunks of " + chunk + " (5)",
            0,
            true));
    rows.add(
        new Figure(
            "W1-incr",
            "enqueueCpuMicrosPerJob",
            "  enqueuer CPU µs/job during the bulk enqueue",
            1,
            false));
    for (int rate : rates) {
      String w = "W2-" + rate;
      rows.add(
          new Figure(w, "latencyP50Ms", "W2 enqueue→start p50 ms at " + rate + "/s (6)", 2, false));
      rows.add(
          new Figure(w, "latencyP99Ms", "W2 enqueue→start p99 ms at " + rate + "/s", 2, false));
      rows.add(
          new Figure(w, "latencyMaxMs", "W2 enqueue→start max ms at " + rate + "/s", 2, false));
    }
    rows.add(
        new Figure(
            "W3",
            "latenessP50Ms",
            "W3 lateness p50 ms, " + delayedJobs + " delayed jobs (7)",
            2,
            false));
    rows.add(new Figure("W3", "latenessP99Ms", "W3 lateness p99 ms", 2, false));
    rows.add(new Figure("W3", "latenessMaxMs", "W3 lateness max ms", 2, false));
    rows.add(
        new Figure(
            "W3", "earlyStarts", "W3 jobs started before their due time (must be 0)", 0, false));
    for (int rate : rates) {
      rows.add(
          new Figure(
              "W2-" + rate,
              "enqueuerCpuMicrosPerJob",
              "single-enqueue CPU µs/job at " + rate + "/s, warm (8)",
              1,
              false));
    }
    if (!rates.isEmpty()) {
      rows.add(
          new Figure(
              "W2-" + rates.getFirst(),
              "enqueuerProcessCpuSeconds",
              "  enqueuer process CPU s at "
                  + rates.getFirst()
                  + "/s, start-up and warm-up included",
              2,
              false));
    }
    rows.add(
        new Figure(
            "ceiling", "pipelinedIncrPerSec", "Redis ceiling: INCR/s pipelined (9)", 0, true));
    rows.add(
        new Figure(
            "ceiling",
            "roundTripIncrPerSec",
            "Redis ceiling: INCR/s one round trip at a time",
            0,
            true));
    rows.add(
        new Figure(
            "single",
            "sendJobsPerSec",
            singleJobs + " single enqueues back to back: jobs/s (10)",
            0,
            true));
    rows.add(
        new Figure(
            "single",
            "enqueuerCpuMicrosPerJob",
            "  single-enqueue CPU µs/job, back to back",
            1,
            false));
    return rows;
  }
}
