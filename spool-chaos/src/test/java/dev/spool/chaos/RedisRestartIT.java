package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.State;
import dev.spool.chaos.ChaosJobs.Work;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Redis crashes ({@code kill -9}, AOF with {@code appendfsync always}) and comes back while jobs
 * are enqueued and run: every job whose enqueue returned runs, every outcome Redis acknowledged
 * stays, and the workers carry on by themselves.
 */
class RedisRestartIT {
  private static final int JOBS = 2_000;
  private static final int PER_TICK = 5;
  private static final Duration TICK = Duration.ofMillis(10);

  @Test
  void enqueuedJobsAndAcknowledgedOutcomesSurviveARedisCrash() {
    try (Experiment x = Experiment.start(3, "redis-restart", "Redis kill -9 and restart (AOF)");
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor()) {
      WorkerProcess a = x.workers.start("a", "--concurrency", "8");
      WorkerProcess b = x.workers.start("b", "--concurrency", "8");

      // The application: enqueues 5 jobs every 10 ms; a batch whose enqueue threw is sent again.
      Random random = new Random(JOBS);
      List<JobId> returned = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger failedEnqueues = new AtomicInteger();
      producer.scheduleAtFixedRate(
          () -> {
            if (returned.size() >= JOBS) {
              return;
            }
            List<Work> work = new ArrayList<>();
            for (int i = 0; i < PER_TICK; i++) {
              work.add(Work.of(20 + random.nextInt(31)));
            }
            try {
              returned.addAll(x.spool.enqueueAll(ChaosJobs.WORK, work));
            } catch (RuntimeException e) {
              failedEnqueues.incrementAndGet();
            }
          },
          0,
          TICK.toMillis(),
          TimeUnit.MILLISECONDS);

      x.await(
          "a third of the jobs enqueued",
          Duration.ofSeconds(60),
          () -> returned.size() >= JOBS / 3);
      Set<JobId> acknowledged =
          x.spool.statuses().where(State.SUCCEEDED).queue(ChaosJobs.QUEUE).list().stream()
              .map(JobStatus::id)
              .collect(Collectors.toSet());
      long crashAt = System.currentTimeMillis();
      x.redis.crash();
      // Started again at once, as a supervisor does: it loads its AOF first.
      x.redis.restart();
      long restartedAt = System.currentTimeMillis();

      x.await(
          "every enqueued job run and acknowledged after the restart",
          Duration.ofSeconds(120),
          () -> returned.size() >= JOBS && x.workLeft() == 0);
      producer.shutdownNow();

      Runs runs = x.runs();
      List<JobId> ids;
      synchronized (returned) {
        ids = List.copyOf(returned);
      }
      List<JobId> lost = x.lost(ids, runs);
      List<String> forgotten = new ArrayList<>();
      for (JobId id : acknowledged) {
        State state = x.spool.statuses().find(id).map(JobStatus::state).orElse(State.UNKNOWN);
        if (state != State.SUCCEEDED || runs.firstStartAfter(id, crashAt) >= 0) {
          forgotten.add(id + " " + state + " " + runs.of(id));
        }
      }
      long firstRunAfter =
          ids.stream()
              .mapToLong(id -> runs.firstStartAfter(id, restartedAt))
              .filter(t -> t >= 0)
              .min()
              .orElse(-1);
      // Jobs whose first run was not attempt 0: leased to a node that never learnt it (the fetch
      // took effect, its reply died with Redis), so they waited for the lease to expire.
      List<JobId> stranded =
          ids.stream()
              .filter(id -> !runs.of(id).isEmpty() && runs.of(id).get(0).attempt() > 0)
              .toList();
      long strandedUntil =
          stranded.stream().mapToLong(id -> runs.of(id).get(0).startMillis()).max().orElse(-1);
      List<WorkerProcess> gone = List.of(a, b).stream().filter(w -> !w.isAlive()).toList();

      x.checks.check(
          lost.isEmpty(), "every job whose enqueue returned runs", () -> lost.size() + ": " + lost);
      x.checks.check(
          forgotten.isEmpty(),
          "every acknowledged outcome survives (still succeeded, not run again)",
          () -> forgotten.size() + ": " + forgotten);
      x.checks.check(gone.isEmpty(), "the workers carry on by themselves", () -> "exited: " + gone);

      x.report(
          ids.size(),
          lost.size(),
          runs.startedMoreThanOnce().size(),
          (firstRunAfter < 0
                  ? "no job ran after the restart"
                  : "first job ran " + Experiment.seconds(firstRunAfter - restartedAt))
              + (stranded.isEmpty()
                  ? ""
                  : ", stranded jobs " + Experiment.seconds(strandedUntil - restartedAt))
              + " after the restart",
          Experiment.defaultLease(),
          "Redis down "
              + Experiment.seconds(restartedAt - crashAt)
              + "; "
              + acknowledged.size()
              + " outcomes acknowledged before the crash; "
              + failedEnqueues.get()
              + " enqueue calls failed meanwhile (sent again); "
              + stranded.size()
              + " jobs leased at the crash to a node that never knew (stranded until the lease"
              + " expired, attempt burnt)");
      List<JobId> shown = new ArrayList<>(lost);
      shown.addAll(stranded);
      x.checks.assertAll(() -> x.diagnostics(shown, runs));
    }
  }
}
