package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.Worker;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.Workers.Kill;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Thousands of short jobs while a random worker is killed with {@code kill -9} every 2 s and
 * restarted at once under its name, as a supervisor would: no job is lost, and a job runs again
 * only if a killed node held it.
 */
class KillNineIT {
  private static final String[] NAMES = {"w1", "w2", "w3"};
  private static final int CONCURRENCY = 8;
  private static final Duration KILL_EVERY = Duration.ofSeconds(2);

  /**
   * Kills go on this long once every worker is up, or until no work is left; the tail of the run
   * then shows the recovery of the last ones.
   */
  private static final Duration KILL_PHASE = Duration.ofSeconds(30);

  @Test
  void killedWorkersLoseNoJobAndOnlyWhatTheyHeldRunsTwice() throws Exception {
    int n = ChaosSetup.jobs();
    Duration lease = Worker.Builder.DEFAULT_LEASE; // the CLI's default: --lease is not given
    try (Experiment x =
            Experiment.start(
                1, "kill-9", "kill -9 of a random worker every 2 s, restarted at once");
        ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor()) {
      Random random = new Random(n);
      List<Work> work = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        work.add(Work.of(20 + random.nextInt(31)));
      }
      List<JobId> ids = x.spool.enqueueAll(ChaosJobs.WORK, work);
      x.workers.supervise();
      for (String name : NAMES) {
        x.workers.launch(name, "--concurrency", Integer.toString(CONCURRENCY));
      }

      x.await(
          "every worker up", Duration.ofSeconds(60), () -> x.workers.up().size() == NAMES.length);
      long killsEnd = System.currentTimeMillis() + KILL_PHASE.toMillis();
      AtomicInteger skipped = new AtomicInteger();
      List<String> killFailures = new CopyOnWriteArrayList<>();
      chaos.scheduleWithFixedDelay(
          () -> {
            try {
              if (System.currentTimeMillis() > killsEnd || x.workLeft() == 0) {
                return;
              }
              List<String> up = x.workers.up();
              if (up.isEmpty()) {
                skipped.incrementAndGet(); // every node is down (restarting): nothing to kill
                return;
              }
              x.workers.kill9(up.get(random.nextInt(up.size())), x.spool.monitor()::jobsFor);
            } catch (RuntimeException e) {
              killFailures.add(e.toString()); // a throwing task would end the schedule silently
            }
          },
          KILL_EVERY.toMillis(),
          KILL_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);

      Duration bound = KILL_PHASE.plus(lease.multipliedBy(3)).plusSeconds(60);
      x.await("every job run and acknowledged (queue drained)", bound, () -> x.workLeft() == 0);
      chaos.shutdown(); // kills from now on would find nothing held
      chaos.awaitTermination(1, TimeUnit.MINUTES);

      Runs runs = x.runs();
      List<Kill> kills = x.workers.kills();
      List<JobId> lost = x.lost(ids, runs);
      Set<JobId> held = new HashSet<>();
      kills.forEach(k -> held.addAll(k.held()));
      List<JobId> twice = runs.startedMoreThanOnce();
      List<JobId> twiceUnheld = twice.stream().filter(id -> !held.contains(id)).toList();
      int inFlight = kills.stream().mapToInt(k -> k.held().size()).sum();

      x.checks.check(lost.isEmpty(), "no job lost", () -> lost.size() + " lost: " + lost);
      x.checks.check(
          twiceUnheld.isEmpty(),
          "a job runs twice only if a killed node held it (duplicates <= jobs in flight at the"
              + " kills)",
          () ->
              twiceUnheld.size()
                  + " jobs ran more than once though no killed node held them: "
                  + twiceUnheld);

      x.checks.check(
          killFailures.isEmpty(), "every kill works (test harness)", killFailures::toString);

      Recovery recovery = Recovery.of(kills, runs);
      long refused =
          x.workers.exitedByThemselves().stream()
              .filter(w -> w.output().contains("is already running"))
              .count();
      long crashed = x.workers.exitedByThemselves().size() - refused;
      x.report(
          n,
          lost.size(),
          twice.size(),
          recovery.summary(),
          Experiment.defaultLease(),
          kills.size()
              + " kills holding "
              + inFlight
              + " jobs; "
              + refused
              + " restarts refused (name still held), "
              + crashed
              + " other exits, "
              + skipped.get()
              + " ticks with no node up");
      List<JobId> shown = new ArrayList<>(lost);
      shown.addAll(twiceUnheld);
      x.checks.assertAll(
          () -> "kills: " + kills + "\nrecovery: " + recovery + "\n" + x.diagnostics(shown, runs));
    }
  }
}
