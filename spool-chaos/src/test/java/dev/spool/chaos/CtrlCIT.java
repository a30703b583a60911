package dev.spool.chaos;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.QueueCounts;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.RunLog.Event;
import dev.spool.chaos.Runs.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C ({@code SIGINT}) on a {@code spool worker} with slow jobs: the first says how many jobs
 * run and stops gracefully, then says how many finished and how many were handed back; a second one
 * stops at once, and every job it held still runs to completion elsewhere.
 */
class CtrlCIT {
  private static final long SHORT_MILLIS = 3_000;
  private static final long LONG_MILLIS = 15_000;

  /** The exit code of {@code spool} after a forced stop: 128 + SIGINT, as a shell reports it. */
  private static final int FORCED_EXIT = 130;

  @BeforeAll
  static void sigintReachesWorkers() {
    assumeTrue(
        Workers.SIGINT_DELIVERABLE,
        "no GNU env --default-signal here: a worker may inherit an ignored SIGINT");
  }

  @Test
  void firstCtrlCSaysHowManyJobsRunAndHowManyWereHandedBack() {
    try (Experiment x = Experiment.start(9, "ctrl-c", "Ctrl-C once on a worker with slow jobs")) {
      // 2 short jobs fit in the shutdown timeout, 2 long ones do not.
      List<JobId> ids = new ArrayList<>();
      ids.addAll(
          x.spool.enqueueAll(ChaosJobs.WORK, List.of(work(SHORT_MILLIS), work(SHORT_MILLIS))));
      ids.addAll(x.spool.enqueueAll(ChaosJobs.WORK, List.of(work(LONG_MILLIS), work(LONG_MILLIS))));
      WorkerProcess stopped =
          x.workers.start("stopped", "--concurrency", "4", "--shutdown-timeout", "8s");
      x.await(
          "the stopped node runs 4 jobs", Duration.ofSeconds(30), () -> startedOn(x, stopped) >= 4);

      long sigint = System.currentTimeMillis();
      stopped.interrupt();
      boolean announced =
          x.await(
              "the first Ctrl-C is answered",
              Duration.ofSeconds(10),
              () -> stopped.output().contains("spool: stopping node"));
      int exit = stopped.awaitExitCode(Duration.ofSeconds(40));
      long stopMillis = System.currentTimeMillis() - sigint;
      QueueCounts afterStop = x.spool.monitor().counts(ChaosJobs.QUEUE);
      String output = stopped.output();

      x.checks.check(
          announced
              && output.contains(
                  "spool: stopping node \"stopped\": waiting for 4 running jobs (up to 8s);"
                      + " press Ctrl-C again to stop now"),
          "the first Ctrl-C says how many jobs run and that a second one stops now",
          () -> output);
      x.checks.check(
          output.contains("spool: node \"stopped\" stopped: 2 finished, 2 handed back"),
          "at the end it says how many jobs finished and how many were handed back",
          () -> output);
      x.checks.check(exit == 0, "a graceful stop exits with 0", () -> "exit code " + exit);
      x.checks.check(
          afterStop.processing() == 0 && afterStop.ready() == 2,
          "the 2 long jobs are back in the queue at once, none held",
          () -> "right after its exit: " + afterStop);

      x.workers.start("successor", "--concurrency", "4");
      x.await(
          "every job succeeds",
          Duration.ofSeconds(120),
          () -> x.spool.monitor().counts(ChaosJobs.QUEUE).completed() == ids.size());
      Runs runs = x.runs();
      List<JobId> lost = x.lost(ids, runs);
      List<String> burnt = burnt(x, ids);
      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.size() + " lost: " + lost);
      x.checks.check(burnt.isEmpty(), "no attempt burnt", () -> String.join(", ", burnt));

      x.report(
          ids.size(),
          lost.size(),
          runs.startedMoreThanOnce().size(),
          "-",
          Experiment.defaultLease(),
          "stop took " + Experiment.seconds(stopMillis) + " (shutdown timeout 8 s), exit " + exit);
      x.checks.assertAll(() -> x.diagnostics(ids, runs));
    }
  }

  @Test
  void secondCtrlCStopsAtOnceAndEveryJobStillRuns() {
    try (Experiment x = Experiment.start(10, "ctrl-c-twice", "Ctrl-C twice on a busy worker")) {
      // 4 long jobs run on the stopped node, 4 more wait; its shutdown timeout is long.
      List<JobId> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(x.spool.enqueue(ChaosJobs.WORK, work(LONG_MILLIS)));
      }
      WorkerProcess stopped =
          x.workers.start("stopped", "--concurrency", "4", "--shutdown-timeout", "2m");
      x.await(
          "the stopped node runs 4 jobs", Duration.ofSeconds(30), () -> startedOn(x, stopped) >= 4);

      long firstCtrlC = System.currentTimeMillis();
      stopped.interrupt();
      x.await(
          "the first Ctrl-C is answered",
          Duration.ofSeconds(10),
          () -> stopped.output().contains("press Ctrl-C again to stop now"));
      long secondCtrlC = System.currentTimeMillis();
      stopped.interrupt();
      int exit = stopped.awaitExitCode(Duration.ofSeconds(60));
      long exitMillis = System.currentTimeMillis() - secondCtrlC;
      QueueCounts afterStop = x.spool.monitor().counts(ChaosJobs.QUEUE);
      List<JobId> heldAfterStop = x.spool.monitor().jobsFor("stopped");
      String output = stopped.output();

      x.checks.check(
          exitMillis < 5_000,
          "the second Ctrl-C ends the process promptly (not after the 2 min shutdown timeout)",
          () -> "it exited " + Experiment.seconds(exitMillis) + " after the second Ctrl-C");
      x.checks.check(exit == FORCED_EXIT, "a forced stop exits with 130", () -> "exit " + exit);
      x.checks.check(
          output.contains("spool: node \"stopped\" stopped (forced): 0 finished, 4 handed back"),
          "it says the running jobs were handed back",
          () -> output);
      x.checks.check(
          afterStop.processing() == 0 && heldAfterStop.isEmpty() && afterStop.ready() == 8,
          "every job is back in the queue at once, none held",
          () -> "right after its exit: " + afterStop + ", still held by it: " + heldAfterStop);

      x.workers.start("successor", "--concurrency", "8");
      x.await(
          "every job succeeds",
          Duration.ofSeconds(120),
          () -> x.spool.monitor().counts(ChaosJobs.QUEUE).completed() == ids.size());
      Runs runs = x.runs();
      List<JobId> lost = x.lost(ids, runs);
      List<String> burnt = burnt(x, ids);
      List<JobId> interrupted =
          ids.stream()
              .filter(id -> runs.of(id).stream().anyMatch(r -> r.outcome() == Event.INTERRUPTED))
              .toList();
      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.size() + " lost: " + lost);
      x.checks.check(burnt.isEmpty(), "no attempt burnt", () -> String.join(", ", burnt));

      x.report(
          ids.size(),
          lost.size(),
          runs.startedMoreThanOnce().size(),
          "-",
          Experiment.defaultLease(),
          "exit "
              + exit
              + " "
              + Experiment.seconds(exitMillis)
              + " after the second Ctrl-C ("
              + Experiment.seconds(secondCtrlC - firstCtrlC)
              + " after the first; shutdown timeout 2 min), "
              + interrupted.size()
              + " interrupted and handed back");
      x.checks.assertAll(() -> x.diagnostics(ids, runs));
    }
  }

  private static List<String> burnt(Experiment x, List<JobId> ids) {
    List<String> burnt = new ArrayList<>();
    for (JobId id : ids) {
      int attempt = x.spool.statuses().find(id).map(JobStatus::attempt).orElse(-1);
      if (attempt != 0) {
        burnt.add(id + " at attempt " + attempt);
      }
    }
    return burnt;
  }

  private static long startedOn(Experiment x, WorkerProcess worker) {
    return x.runs().byJob().values().stream()
        .flatMap(List::stream)
        .map(Run::pid)
        .filter(pid -> pid == worker.pid())
        .count();
  }

  private static Work work(long millis) {
    return Work.of(millis);
  }
}
