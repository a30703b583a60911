package dev.spool.chaos;

import dev.spool.Batch;
import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.Workers.Kill;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch whose worker is killed while its parts run: every part runs, and the on-complete callback
 * is created and run exactly once.
 */
class BatchCrashIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final int PARTS = 40;
  private static final long PART_MILLIS = 300;

  @Test
  void aBatchWhoseWorkerDiesCompletesExactlyOnce() {
    try (Experiment x = Experiment.start(8, "batch-crash", "batch, a worker killed mid-way")) {
      String lease = LEASE.toSeconds() + "s";
      x.workers.start("a", "--concurrency", "4", "--lease", lease);
      x.workers.start("b", "--concurrency", "4", "--lease", lease);
      Batch.Builder builder = x.spool.batch().onComplete(ChaosJobs.BATCH_COMPLETE, Work.of(0));
      for (int i = 0; i < PARTS; i++) {
        builder.add(ChaosJobs.WORK, Work.of(PART_MILLIS));
      }
      Batch batch = builder.submit();
      x.await(
          "a quarter of the parts ran",
          Duration.ofSeconds(30),
          () ->
              x.runs().byJob().values().stream().filter(r -> r.get(0).ended()).count()
                  >= PARTS / 4);
      Kill kill = x.workers.kill9("a", x.spool.monitor()::jobsFor);

      x.await(
          "the batch finishes and its callback runs",
          Duration.ofSeconds(60),
          () ->
              batch.isFinished()
                  && !x.runs().ofType(ChaosJobs.BATCH_COMPLETE.name()).isEmpty()
                  && x.workLeft() == 0);

      Runs runs = x.runs();
      List<JobId> parts =
          x.spool.statuses().all().batch(batch.id()).list().stream().map(JobStatus::id).toList();
      List<JobId> lost = x.lost(parts, runs);
      long callbacks = x.spool.statuses().jobName(ChaosJobs.BATCH_COMPLETE.name()).count();
      long callbackRuns = runs.ofType(ChaosJobs.BATCH_COMPLETE.name()).size();
      x.checks.check(
          parts.size() == PARTS && lost.isEmpty(),
          "every part runs",
          () -> parts.size() + " parts recorded, lost: " + lost);
      x.checks.check(
          callbacks == 1 && callbackRuns == 1,
          "the on-complete callback is created and run exactly once",
          () -> callbacks + " callback jobs, " + callbackRuns + " runs of them");

      Recovery recovery = Recovery.of(List.of(kill), runs);
      x.report(
          PARTS,
          lost.size(),
          runs.startedMoreThanOnce().size(),
          recovery.summary(),
          Experiment.seconds(LEASE.toMillis()),
          "killed holding "
              + kill.held().size()
              + " parts; on-complete created "
              + callbacks
              + ", run "
              + callbackRuns
              + " times");
      List<JobId> shown = new ArrayList<>(lost);
      x.checks.assertAll(() -> "batch " + batch.progress() + "\n" + x.diagnostics(shown, runs));
    }
  }
}
