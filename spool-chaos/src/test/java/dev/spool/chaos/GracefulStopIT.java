package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.QueueCounts;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.RunLog.Event;
import dev.spool.chaos.Runs.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker with long jobs stopped by {@code SIGTERM}, as a supervisor or a deploy stops it: jobs
 * that can finish within the shutdown timeout finish, the others are interrupted and handed back at
 * once, and none loses an attempt.
 */
class GracefulStopIT {
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(4);
  private static final long SHORT_MILLIS = 1_500;
  private static final long LONG_MILLIS = 6_000;

  @Test
  void sigtermHandsUnfinishedJobsBackAtOnceWithoutBurningAttempts() {
    try (Experiment x = Experiment.start(2, "sigterm", "SIGTERM of a worker with long jobs")) {
      // The stopped node runs 2 short and 2 long jobs; 4 more long ones wait in the queue.
      List<JobId> ids = new ArrayList<>();
      ids.addAll(x.spool.enqueueAll(ChaosJobs.WORK, List.of(shortWork(), shortWork())));
      ids.addAll(x.spool.enqueueAll(ChaosJobs.WORK, longWork(6)));
      WorkerProcess stopped =
          x.workers.start(
              "stopped",
              "--concurrency",
              "4",
              "--shutdown-timeout",
              SHUTDOWN_TIMEOUT.toSeconds() + "s");
      x.await(
          "the stopped node runs 4 jobs", Duration.ofSeconds(30), () -> startedOn(x, stopped) >= 4);

      long sigterm = System.currentTimeMillis();
      stopped.terminate(SHUTDOWN_TIMEOUT.plusSeconds(20));
      long stopMillis = System.currentTimeMillis() - sigterm;
      // Read at once: the node is gone, so whatever it still held would wait for its lease.
      QueueCounts afterStop = x.spool.monitor().counts(ChaosJobs.QUEUE);
      List<JobId> heldAfterStop = x.spool.monitor().jobsFor("stopped");
      x.checks.check(
          afterStop.processing() == 0 && heldAfterStop.isEmpty() && afterStop.ready() == 6,
          "the stopped node hands its unfinished jobs back at once (6 ready, none held)",
          () -> "right after its exit: " + afterStop + ", still held by it: " + heldAfterStop);

      x.workers.start("successor", "--concurrency", "8");
      x.await(
          "every job succeeds",
          Duration.ofSeconds(60),
          () -> x.spool.monitor().counts(ChaosJobs.QUEUE).completed() == ids.size());

      Runs runs = x.runs();
      List<JobId> lost = x.lost(ids, runs);
      List<String> burnt = new ArrayList<>();
      for (JobId id : ids) {
        int attempt = x.spool.statuses().find(id).map(JobStatus::attempt).orElse(-1);
        if (attempt != 0) {
          burnt.add(id + " at attempt " + attempt);
        }
      }
      List<JobId> interrupted =
          ids.stream()
              .filter(id -> runs.of(id).stream().anyMatch(r -> r.outcome() == Event.INTERRUPTED))
              .toList();
      List<JobId> twice = runs.startedMoreThanOnce();
      List<JobId> twiceNotInterrupted =
          twice.stream().filter(id -> !interrupted.contains(id)).toList();
      long shortsFinished =
          ids.subList(0, 2).stream()
              .filter(
                  id -> runs.of(id).stream().anyMatch(r -> r.ended() && r.pid() == stopped.pid()))
              .count();

      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.size() + " lost: " + lost);
      x.checks.check(burnt.isEmpty(), "no attempt burnt", () -> String.join(", ", burnt));
      x.checks.check(
          shortsFinished == 2,
          "jobs that fit in the shutdown timeout finish on the stopped node",
          () -> shortsFinished + " of 2 short jobs finished there");
      x.checks.check(
          twiceNotInterrupted.isEmpty(),
          "only jobs interrupted by the shutdown run again",
          () -> twiceNotInterrupted.toString());

      x.report(
          ids.size(),
          lost.size(),
          twice.size(),
          "-",
          Experiment.defaultLease(),
          "stop took "
              + Experiment.seconds(stopMillis)
              + " (shutdown timeout "
              + SHUTDOWN_TIMEOUT.toSeconds()
              + " s), "
              + interrupted.size()
              + " interrupted and handed back, "
              + burnt.size()
              + " attempts burnt");
      x.checks.assertAll(() -> x.diagnostics(ids, runs));
    }
  }

  private static long startedOn(Experiment x, WorkerProcess worker) {
    return x.runs().byJob().values().stream()
        .flatMap(List::stream)
        .map(Run::pid)
        .filter(pid -> pid == worker.pid())
        .count();
  }

  private static Work shortWork() {
    return Work.of(SHORT_MILLIS);
  }

  private static List<Work> longWork(int n) {
    List<Work> work = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      work.add(Work.of(LONG_MILLIS));
    }
    return work;
  }
}
