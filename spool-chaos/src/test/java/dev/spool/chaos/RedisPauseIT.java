package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.Runs.Overlap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis frozen ({@code SIGSTOP}) for longer than a lease while long jobs run, then resumed ({@code
 * SIGCONT}): no job is lost, and no job runs in two processes at once for longer than the lease
 * allows (a node that lost a lease stops the job within it).
 */
class RedisPauseIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration PAUSE = LEASE.plusSeconds(2);
  private static final int JOBS = 8;
  private static final long JOB_MILLIS = 12_000;

  @Test
  void aFrozenRedisMakesNoJobRunTwiceAtOnceBeyondTheLease() {
    try (Experiment x = Experiment.start(4, "redis-pause", "Redis SIGSTOP longer than a lease");
        ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor()) {
      String lease = LEASE.toSeconds() + "s";
      WorkerProcess a = x.workers.start("a", "--concurrency", "8", "--lease", lease);
      WorkerProcess b = x.workers.start("b", "--concurrency", "8", "--lease", lease);
      List<JobId> ids =
          x.spool.enqueueAll(ChaosJobs.WORK, Collections.nCopies(JOBS, Work.of(JOB_MILLIS)));
      x.await("every job runs", Duration.ofSeconds(30), () -> x.runs().byJob().size() == JOBS);

      long pausedAt = System.currentTimeMillis();
      x.redis.pause();
      chaos.schedule(x.redis::resume, PAUSE.toMillis(), TimeUnit.MILLISECONDS);
      x.await(
          "every job succeeds after the pause",
          Duration.ofSeconds(90),
          () -> x.spool.monitor().counts(ChaosJobs.QUEUE).completed() == JOBS);

      Runs runs = x.runs();
      long now = System.currentTimeMillis();
      List<Overlap> overlaps = runs.overlaps(pid -> now);
      List<Overlap> beyondLease =
          overlaps.stream().filter(o -> o.millis() > LEASE.toMillis()).toList();
      List<JobId> lost = x.lost(ids, runs);
      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.size() + " lost: " + lost);
      x.checks.check(
          beyondLease.isEmpty(),
          "no job runs in two processes at once for longer than the lease ("
              + LEASE.toSeconds()
              + " s)",
          () -> beyondLease.size() + " overlaps: " + beyondLease);
      List<WorkerProcess> gone = List.of(a, b).stream().filter(w -> !w.isAlive()).toList();
      x.checks.check(gone.isEmpty(), "the workers carry on", () -> "exited: " + gone);

      long longest = overlaps.stream().mapToLong(Overlap::millis).max().orElse(0);
      x.report(
          JOBS,
          lost.size(),
          runs.startedMoreThanOnce().size(),
          "-",
          Experiment.seconds(LEASE.toMillis()),
          "Redis paused "
              + Experiment.seconds(PAUSE.toMillis())
              + " while "
              + JOBS
              + " jobs of "
              + Experiment.seconds(JOB_MILLIS)
              + " ran; "
              + overlaps.size()
              + " jobs ran in two processes at once, longest "
              + Experiment.seconds(longest));
      List<JobId> shown = new ArrayList<>(lost);
      beyondLease.forEach(o -> shown.add(o.job()));
      x.checks.assertAll(() -> "paused at " + pausedAt + "\n" + x.diagnostics(shown, runs));
    }
  }
}
