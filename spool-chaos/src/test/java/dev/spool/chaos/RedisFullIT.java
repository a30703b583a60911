package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.SpoolException;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.Runs.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis at {@code maxmemory} with {@code noeviction} for longer than a lease while long jobs run:
 * an enqueue fails with an exception that says so, the workers finish what they hold (no job is
 * taken from them and run again), and once memory is free every outcome is recorded.
 */
class RedisFullIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final int JOBS = 8;
  private static final long JOB_MILLIS = 8_000;

  @Test
  void aFullRedisRefusesEnqueuesClearlyWhileWorkersFinishWhatTheyHold() {
    try (Experiment x = Experiment.start(5, "redis-full", "Redis at maxmemory (noeviction)")) {
      String lease = LEASE.toSeconds() + "s";
      x.workers.start("a", "--concurrency", "8", "--lease", lease);
      x.workers.start("b", "--concurrency", "8", "--lease", lease);
      List<JobId> ids =
          new ArrayList<>(
              x.spool.enqueueAll(ChaosJobs.WORK, Collections.nCopies(JOBS, Work.of(JOB_MILLIS))));
      x.await("every job runs", Duration.ofSeconds(30), () -> x.runs().byJob().size() == JOBS);

      x.redis.fillMemory();
      long fullAt = System.currentTimeMillis();
      RuntimeException refused = null;
      try {
        ids.add(x.spool.enqueue(ChaosJobs.WORK, Work.of(10)));
      } catch (RuntimeException e) {
        refused = e;
      }
      RuntimeException enqueueError = refused;
      String said = enqueueError == null ? "" : String.valueOf(enqueueError.getMessage());
      x.checks.check(
          enqueueError instanceof SpoolException
              && said.toLowerCase(Locale.ROOT).contains("memory")
              && !said.contains("user_script"),
          "an enqueue at maxmemory fails with a SpoolException that says Redis is out of memory"
              + " (not a raw script error)",
          () ->
              enqueueError == null
                  ? "the enqueue returned"
                  : enqueueError.getClass().getName() + ": " + enqueueError.getMessage());

      x.await(
          "the workers finish the jobs they hold while Redis is full",
          Duration.ofSeconds(JOB_MILLIS / 1000 + 30),
          () -> ids.stream().limit(JOBS).allMatch(id -> x.runs().ended(id)));
      long fullFor = System.currentTimeMillis() - fullAt;
      x.redis.freeMemory();
      ids.add(x.spool.enqueue(ChaosJobs.WORK, Work.of(10)));
      x.await(
          "every outcome is recorded once memory is free",
          Duration.ofSeconds(60),
          () -> x.spool.monitor().counts(ChaosJobs.QUEUE).completed() == ids.size());

      Runs runs = x.runs();
      List<JobId> lost = x.lost(ids, runs);
      List<JobId> twice = runs.startedMoreThanOnce();
      List<String> cutShort = new ArrayList<>();
      for (Map.Entry<JobId, List<Run>> e : runs.byJob().entrySet()) {
        Run first = e.getValue().get(0);
        if (!first.ended()) {
          cutShort.add(e.getKey() + ": " + first);
        }
      }
      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.size() + " lost: " + lost);
      x.checks.check(
          twice.isEmpty(),
          "no job is taken from its live node and run again",
          () -> twice.size() + " ran twice: " + twice);
      x.checks.check(
          cutShort.isEmpty(), "every first run ends normally", () -> String.join("\n", cutShort));
      x.report(
          ids.size(),
          lost.size(),
          twice.size(),
          "-",
          Experiment.seconds(LEASE.toMillis()),
          "full for "
              + Experiment.seconds(fullFor)
              + "; enqueue said: "
              + (enqueueError == null
                  ? "nothing (it returned)"
                  : enqueueError.getClass().getSimpleName()
                      + ": "
                      + String.valueOf(enqueueError.getMessage()).replace('|', '/')));
      List<JobId> shown = new ArrayList<>(lost);
      shown.addAll(twice);
      x.checks.assertAll(() -> x.diagnostics(shown, runs));
    }
  }
}
