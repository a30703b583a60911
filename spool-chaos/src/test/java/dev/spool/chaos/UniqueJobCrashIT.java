package dev.spool.chaos;

import dev.spool.EnqueueResult;
import dev.spool.JobId;
import dev.spool.State;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.Workers.Kill;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job unique until executed whose worker is killed mid-run: the lock stays while the job waits
 * for its lease to expire, the job runs again, and once it succeeds the lock is gone, so the same
 * job can be enqueued again.
 */
class UniqueJobCrashIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Work WORK = Work.of(4_000);

  @Test
  void aUniqueJobOfAKilledWorkerRunsAgainThenReleasesItsLock() {
    try (Experiment x =
        Experiment.start(7, "unique-crash", "unique (until executed) job, worker killed mid-run")) {
      String lease = LEASE.toSeconds() + "s";
      // Both nodes are up first (a JVM start can outlast the job); the one that runs it dies.
      x.workers.start("a", "--concurrency", "2", "--lease", lease);
      x.workers.start("b", "--concurrency", "2", "--lease", lease);
      EnqueueResult enqueued = x.spool.tryEnqueue(ChaosJobs.UNIQUE_WORK, WORK);
      JobId job = enqueued.jobId();
      if (!x.await(
          "the unique job runs", Duration.ofSeconds(30), () -> !x.runs().of(job).isEmpty())) {
        x.checks.assertAll(() -> x.diagnostics(List.of(job), x.runs()));
      }
      EnqueueResult whileRunning = x.spool.tryEnqueue(ChaosJobs.UNIQUE_WORK, WORK);

      long runner = x.runs().of(job).get(0).pid();
      String victim = x.workers.current("a").pid() == runner ? "a" : "b";
      Kill kill = x.workers.kill9(victim, x.spool.monitor()::jobsFor);
      EnqueueResult afterKill = x.spool.tryEnqueue(ChaosJobs.UNIQUE_WORK, WORK);
      x.await(
          "the unique job runs again and succeeds",
          Duration.ofSeconds(60),
          () -> x.spool.statuses().findOrUnknown(job).state() == State.SUCCEEDED);
      EnqueueResult afterSuccess = x.spool.tryEnqueue(ChaosJobs.UNIQUE_WORK, WORK);
      List<JobId> ids = new ArrayList<>(List.of(job));
      if (afterSuccess.accepted()) {
        ids.add(afterSuccess.jobId());
        x.await(
            "the new unique job succeeds",
            Duration.ofSeconds(30),
            () ->
                x.spool.statuses().findOrUnknown(afterSuccess.jobId()).state() == State.SUCCEEDED);
      }

      Runs runs = x.runs();
      List<JobId> lost = x.lost(ids, runs);
      long rerunAt = runs.firstStartAfter(job, kill.atMillis());
      x.checks.check(enqueued.accepted(), "the first unique job is accepted", enqueued::toString);
      x.checks.check(
          !whileRunning.accepted() && !afterKill.accepted(),
          "a duplicate is rejected while the job runs and while it waits to run again",
          () -> "while running: " + whileRunning + ", after the kill: " + afterKill);
      x.checks.check(
          kill.held().contains(job) && rerunAt >= 0,
          "the job of the killed worker runs again",
          () -> "held at the kill: " + kill.held() + ", runs: " + runs.of(job));
      x.checks.check(
          afterSuccess.accepted(),
          "once it succeeded its lock is released: the same job can be enqueued again",
          afterSuccess::toString);
      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.toString());

      x.report(
          ids.size(),
          lost.size(),
          runs.startedMoreThanOnce().size(),
          rerunAt < 0 ? "-" : Experiment.seconds(rerunAt - kill.atMillis()),
          Experiment.seconds(LEASE.toMillis()),
          "duplicate rejected while held: "
              + (!whileRunning.accepted() && !afterKill.accepted())
              + ", accepted after success: "
              + afterSuccess.accepted());
      x.checks.assertAll(() -> x.diagnostics(ids, runs));
    }
  }
}
