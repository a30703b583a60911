package dev.spool.cli;

import dev.spool.Batch;
import dev.spool.BatchProgress;
import dev.spool.JobId;
import dev.spool.Spool;
import dev.spool.SpoolException;
import dev.spool.StopSummary;
import dev.spool.Worker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * One run of {@code spool demo} on a connected {@link Spool}: starts the worker nodes, enqueues
 * waves of jobs for the duration while drawing the live view, drains, stops the nodes and sums up.
 */
final class DemoRun {
  private static final long WAVE_MS = 1000;
  private static final long RENDER_MS = 1000;
  private static final long DRAIN_POLL_MS = 200;
  private static final Duration WORKER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  /** What to run; see {@link DemoCommand}'s options. */
  record Settings(
      String redisDisplay,
      boolean embeddedRedis,
      boolean redisOwnSession,
      String namespace,
      Duration duration,
      Duration drain,
      int workers,
      int concurrency,
      Duration recurringEvery) {}

  private final Spool spool;
  private final Settings settings;
  private final PrintWriter err;
  private final LiveView view;
  private final StopSignal stop;
  private final DemoWorkload workload;
  private final List<Worker> nodes = new ArrayList<>();
  private Snapshot baseline;
  private long startNanos;

  DemoRun(Spool spool, Settings settings, PrintWriter err, boolean redraw, StopSignal stop) {
    this.spool = spool;
    this.settings = settings;
    this.err = err;
    this.view = new LiveView(err, redraw);
    this.stop = stop;
    // Short demos get short delays, so that they do not spend most of their time draining.
    Duration maxDelay = settings.duration().dividedBy(2);
    this.workload =
        new DemoWorkload(
            spool,
            maxDelay.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : maxDelay);
  }

  DemoSummary run() {
    baseline = Snapshot.full(spool, DemoWorkload.QUEUES, DemoWorkload.ENGINE_MADE);
    for (int i = 1; i <= settings.workers(); i++) {
      nodes.add(
          workload
              .handlers(spool.worker("node-" + i))
              .concurrency(settings.concurrency())
              .shutdownTimeout(WORKER_SHUTDOWN_TIMEOUT)
              .start());
    }
    header();
    startNanos = System.nanoTime();
    long enqueueMs;
    long totalMs;
    try {
      workload.start(settings.recurringEvery());
      enqueue();
      enqueueMs = elapsedMs();
      workload.stopRecurring();
      drain();
      totalMs = elapsedMs();
    } catch (SpoolException e) {
      if (!stop.isRequested()) {
        throw e;
      }
      // Ctrl-C also stops an embedded redis-server: sum up what this process saw.
      enqueueMs = Math.min(elapsedMs(), settings.duration().toMillis());
      totalMs = elapsedMs();
    } finally {
      workload.finish();
    }
    if (stop.byUser() && settings.embeddedRedis() && !redisOutlivesStop()) {
      // The stop reached the embedded redis-server too (a Ctrl-C to the whole process group, or
      // the JVM exiting on SIGTERM stops it): nothing can be handed back or read any more, and the
      // nodes' complaints about that are expected, so they are muted. Sum up what this process saw.
      Verbosity.muteLibraryLogs();
      view.detach();
      err.println();
      err.println("Stopped by " + stop.cause() + ", which stops the demo's redis-server too.");
      err.flush();
      return summary(null, enqueueMs, totalMs);
    }
    if (stop.byUser()) {
      view.detach();
      err.println();
      int jobs = nodes.stream().mapToInt(Worker::running).sum();
      err.println(
          "spool: stopping "
              + nodes.size()
              + (nodes.size() == 1 ? " node" : " nodes")
              + ": waiting for "
              + jobs
              + (jobs == 1 ? " running job" : " running jobs")
              + " (up to "
              + DurationConverter.format(WORKER_SHUTDOWN_TIMEOUT)
              + ")"
              + (stop.byCtrlC() ? "; press Ctrl-C again to stop now" : ""));
      err.flush();
    }
    StopSummary stopped = closeNodes();
    if (stop.byUser()) {
      err.println(
          "spool: "
              + (nodes.size() == 1 ? "node" : "nodes")
              + " stopped"
              + (stop.forced() ? " (forced)" : "")
              + ": "
              + stopped.finished()
              + " finished, "
              + stopped.handedBack()
              + " handed back"
              + (stopped.leftToLease() == 0
                  ? ""
                  : ", " + stopped.leftToLease() + " left to their lease")
              + (stopped.killed() == 0 ? "" : ", " + stopped.killed() + " killed as requested")
              + (stopped.attemptsUsed() == 0
                  ? ""
                  : ", " + stopped.attemptsUsed() + " used an attempt (handed back too often)"));
      err.flush();
    }
    Snapshot last = finalSnapshot();
    return summary(last, enqueueMs, totalMs);
  }

  private void header() {
    String where =
        settings.embeddedRedis()
            ? "a redis-server started for the demo, " + settings.redisDisplay()
            : settings.redisDisplay() + ", under the key prefix " + settings.namespace();
    String names =
        settings.workers() <= 3
            ? String.join(", ", nodes.stream().map(Worker::name).toList())
            : "node-1 ... node-" + settings.workers();
    err.printf(
        Locale.ROOT,
        "Spool demo on %s%n"
            + "%d worker nodes (%s), %d jobs at once each, fetching from mail, default, images,"
            + " then thumbnails.%n"
            + "For %s, a wave of jobs every second, on four queues:%n"
            + "  images      resize-image     20-200 ms each; every %d s a burst of 120-200, then 3"
            + " urgent ones%n"
            + "                               (priority %d) that skip the line%n"
            + "  thumbnails  thumbnail        a batch of %d, submitted at the start, 1-5 ms each;"
            + " when the last%n"
            + "              thumbnails-done  part ends, the batch enqueues this on-complete job,"
            + " exactly once%n"
            + "  mail        send-email       delayed by 2s to %s; two are cancelled before they"
            + " run%n"
            + "  default     sync-inventory   fails its first attempt, succeeds on the retry%n"
            + "              deliver-webhook  always fails: 2 attempts 300 ms apart, then the dead"
            + " set%n"
            + "              heartbeat        a recurring job every %s: each tick runs once,"
            + " whichever node fires it%n"
            + "              sync-account     unique until executed, asked for %s a second for"
            + " one account:%n"
            + "                               while one waits or runs, the others are rejected%n"
            + "              export-report    runs for a minute, but is killed on request %s after"
            + " it starts%n"
            + "Legend: # succeeded, x dead, killed or cancelled; R ready, D delayed (incl."
            + " retries), P processing/completed.%n"
            + "%s stops early and still sums up.%n%n",
        where,
        settings.workers(),
        names,
        settings.concurrency(),
        DurationConverter.format(settings.duration()),
        DemoWorkload.BURST_EVERY,
        DemoWorkload.URGENT_PRIORITY,
        DemoWorkload.BATCH_PARTS,
        DurationConverter.format(workload.maxDelay()),
        DurationConverter.format(settings.recurringEvery()),
        DemoWorkload.UNIQUE_REQUESTS_PER_WAVE == 2
            ? "twice"
            : DemoWorkload.UNIQUE_REQUESTS_PER_WAVE + " times",
        DurationConverter.format(DemoWorkload.KILL_AFTER),
        stop.stopKey());
    err.flush();
  }

  /** Enqueues a wave a second until the duration is up. */
  private void enqueue() {
    long durationMs = settings.duration().toMillis();
    int wave = 0;
    while (!stop.isRequested() && elapsedMs() < durationMs) {
      workload.wave(wave++);
      render(
          "enqueueing",
          (elapsedMs() / 1000) + "s of " + DurationConverter.format(settings.duration()),
          sample());
      stop.await(Math.min(wave * WAVE_MS, durationMs) - elapsedMs());
    }
  }

  /** Waits until every job is done, or the drain time is up. */
  private void drain() {
    long from = elapsedMs();
    long deadline = from + settings.drain().toMillis();
    long nextRender = from;
    while (!stop.isRequested()) {
      Snapshot now = sample();
      long elapsed = elapsedMs();
      boolean empty = now.pending() - baseline.pending() <= 0;
      boolean timeUp = elapsed >= deadline;
      if (empty || timeUp || elapsed >= nextRender) {
        long drained = elapsed - from;
        if (empty) {
          render("drained", "in " + seconds(drained), now);
        } else if (timeUp) {
          render("gave up", "after " + seconds(drained), now);
        } else {
          render(
              "draining",
              (drained / 1000) + "s, at most " + DurationConverter.format(settings.drain()),
              now);
        }
        nextRender += RENDER_MS;
      }
      if (empty || timeUp) {
        return;
      }
      stop.await(DRAIN_POLL_MS);
    }
  }

  private Snapshot sample() {
    return Snapshot.take(spool, DemoWorkload.QUEUES);
  }

  private void render(String phase, String clock, Snapshot s) {
    DemoWorkload.Tally tally = workload.tally();
    List<LiveView.QueueLine> queues = new ArrayList<>();
    for (Snapshot.Queue q : s.queues()) {
      DemoWorkload.Counters c = tally.of(q.name());
      long dead = q.dead() - baseline.queue(q.name()).dead();
      queues.add(
          new LiveView.QueueLine(
              q.name(),
              c.enqueuedSeen(),
              q.counts().completed() - baseline.queue(q.name()).counts().completed(),
              dead + c.killed.sum() + c.cancelled.sum(),
              q.status(),
              q.dead()));
    }
    Batch batch = tally.batch.batch();
    BatchProgress progress = batch == null ? null : batch.progress();
    view.render(
        new LiveView.Frame(
            phase,
            clock,
            tally.enqueued(),
            s.completed() - baseline.completed(),
            s.dead() - baseline.dead(),
            tally.killed(),
            tally.cancelled(),
            tally.rejected(),
            s.pending() - baseline.pending(),
            queues,
            progress,
            extras(tally),
            nodes,
            settings.concurrency()));
  }

  /** The lines about the recurring job, the unique jobs and the kill. */
  private List<String[]> extras(DemoWorkload.Tally tally) {
    List<String[]> lines = new ArrayList<>();
    long runs = tally.recurringRuns.sum();
    lines.add(
        new String[] {
          "recurring",
          String.format(
              Locale.ROOT,
              "%s every %s: ran %s%s",
              DemoWorkload.HEARTBEAT.name(),
              DurationConverter.format(settings.recurringEvery()),
              runs == 1 ? "once" : runs + " times",
              tally.recurringCancelled ? ", cancelled when enqueueing stopped" : "")
        });
    long rejected = tally.rejected();
    long accepted = tally.uniqueAccepted.sum();
    lines.add(
        new String[] {
          "unique",
          String.format(
              Locale.ROOT,
              "%s %s: %d accepted, %d rejected while one was waiting or running",
              DemoWorkload.SYNC_ACCOUNT.name(),
              DemoWorkload.UNIQUE_ACCOUNT,
              accepted,
              rejected)
        });
    DemoWorkload.KillTally kill = tally.kill;
    JobId id = kill.id();
    if (id != null) {
      String what;
      if (kill.endState() != null) {
        what =
            kill.endState().stored()
                + " on request after running "
                + seconds(kill.runMillisBeforeRequest())
                + "; it stopped "
                + kill.millisToStop()
                + " ms later";
      } else if (kill.isRequested()) {
        what = "kill requested after " + seconds(kill.runMillisBeforeRequest()) + " of running";
      } else if (kill.runningMillis() >= 0) {
        what =
            "running for "
                + seconds(kill.runningMillis())
                + "; killed on request at "
                + DurationConverter.format(DemoWorkload.KILL_AFTER);
      } else {
        what =
            "waiting to start; killed on request "
                + DurationConverter.format(DemoWorkload.KILL_AFTER)
                + " after it starts";
      }
      lines.add(new String[] {"kill", DemoWorkload.EXPORT_REPORT.name() + " " + id + ": " + what});
    }
    return lines;
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1fs", Math.max(0, ms) / 1000.0);
  }

  /**
   * Stops the nodes together: each lets its running jobs finish and hands the rest back; a second
   * Ctrl-C makes them hand back at once. Returns their summaries added up.
   */
  private StopSummary closeNodes() {
    stop.onForce(() -> forEachNode(n -> n.stop(Duration.ZERO)));
    Duration timeout = stop.forced() ? Duration.ZERO : WORKER_SHUTDOWN_TIMEOUT;
    List<StopSummary> summaries = forEachNode(n -> n.stop(timeout));
    return new StopSummary(
        summaries.stream().mapToInt(StopSummary::finished).sum(),
        summaries.stream().mapToInt(StopSummary::handedBack).sum(),
        summaries.stream().mapToInt(StopSummary::leftToLease).sum(),
        summaries.stream().mapToInt(StopSummary::killed).sum(),
        summaries.stream().mapToInt(StopSummary::attemptsUsed).sum());
  }

  /** Runs {@code action} on every node at once, one thread each; returns once all are done. */
  private List<StopSummary> forEachNode(Function<Worker, StopSummary> action) {
    List<CompletableFuture<StopSummary>> calls = new ArrayList<>();
    for (Worker n : nodes) {
      CompletableFuture<StopSummary> call = new CompletableFuture<>();
      Thread.ofPlatform()
          .name("stop-" + n.name())
          .start(
              () -> {
                try {
                  call.complete(action.apply(n));
                } catch (RuntimeException e) {
                  call.completeExceptionally(e);
                }
              });
      calls.add(call);
    }
    List<StopSummary> done = new ArrayList<>();
    for (CompletableFuture<StopSummary> call : calls) {
      try {
        done.add(call.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    }
    return done;
  }

  /** Whether the embedded redis-server is still up after the stop request. */
  private boolean redisOutlivesStop() {
    // A Ctrl-C handled here reaches a server in a session of its own no more than this JVM's
    // shutdown (SIGTERM, or a Ctrl-C left to the JVM), which stops the server with it.
    return stop.byCtrlC() && settings.redisOwnSession();
  }

  /** The queues once the nodes are stopped; null if Redis is gone (as after Ctrl-C). */
  private Snapshot finalSnapshot() {
    try {
      return Snapshot.full(spool, DemoWorkload.QUEUES, DemoWorkload.ENGINE_MADE);
    } catch (SpoolException e) {
      if (!stop.isRequested()) {
        throw e;
      }
      return null;
    }
  }

  private DemoSummary summary(Snapshot last, long enqueueMs, long totalMs) {
    DemoWorkload.Tally tally = workload.tally();
    List<DemoSummary.Row> rows = new ArrayList<>();
    for (String q : DemoWorkload.QUEUES) {
      DemoWorkload.Counters c = tally.of(q);
      long cancelled = c.cancelled.sum();
      long enqueued;
      long succeeded;
      long dead;
      long killed;
      long pending;
      if (last != null) {
        Snapshot.Queue now = last.queue(q);
        Snapshot.Queue before = baseline.queue(q);
        // Jobs the engine enqueued (recurring ticks, the on-complete job) by their statuses.
        enqueued = c.enqueued.sum() + now.engineMade() - before.engineMade();
        succeeded = now.counts().completed() - before.counts().completed();
        dead = now.dead() - before.dead();
        // Killed statuses hold the cancelled jobs too.
        killed = now.killed() - before.killed() - cancelled;
        pending = now.pending() - before.pending();
      } else {
        enqueued = c.enqueuedSeen();
        succeeded = c.succeeded.sum();
        dead = c.died.sum();
        killed = c.killed.sum();
        pending = Math.max(0, enqueued - succeeded - dead - killed - cancelled);
      }
      rows.add(
          new DemoSummary.Row(
              q,
              enqueued,
              succeeded,
              c.retried.sum(),
              dead,
              killed,
              cancelled,
              pending,
              c.rejected.sum()));
    }
    return new DemoSummary(
        settings.redisDisplay(),
        settings.embeddedRedis(),
        settings.namespace(),
        last != null,
        stop.byUser(),
        enqueueMs / 1000.0,
        totalMs / 1000.0,
        rows,
        tally.urgentJobs(),
        tally.urgentAverageWaitMs(),
        tally.otherAverageWaitMs(),
        tour(last != null));
  }

  private DemoSummary.Tour tour(boolean fromRedis) {
    DemoWorkload.Tally tally = workload.tally();
    Batch batch = tally.batch.batch();
    long onComplete = tally.batch.onCompleteRuns();
    long toComplete = tally.batch.millisToComplete();
    DemoSummary.Batch b;
    if (batch == null) {
      b = new DemoSummary.Batch(null, 0, 0, 0, false, onComplete, -1);
    } else if (fromRedis) {
      BatchProgress p = batch.progress();
      b =
          new DemoSummary.Batch(
              batch.id(),
              p.total(),
              p.succeeded(),
              p.failed(),
              p.finished(),
              onComplete,
              toComplete < 0 ? -1 : toComplete / 1000.0);
    } else {
      long parts = tally.of(DemoWorkload.THUMBNAILS).succeeded.sum() - onComplete;
      b =
          new DemoSummary.Batch(
              batch.id(),
              DemoWorkload.BATCH_PARTS,
              parts,
              0,
              onComplete > 0,
              onComplete,
              toComplete < 0 ? -1 : toComplete / 1000.0);
    }
    DemoSummary.Recurring recurring =
        new DemoSummary.Recurring(
            DemoWorkload.RECURRING_NAME,
            DemoWorkload.HEARTBEAT.name(),
            DurationConverter.format(settings.recurringEvery()),
            tally.recurringRuns.sum());
    DemoSummary.Unique unique =
        new DemoSummary.Unique(
            DemoWorkload.SYNC_ACCOUNT.name(),
            DemoWorkload.UNIQUE_ACCOUNT,
            tally.uniqueAccepted.sum(),
            tally.rejected());
    DemoWorkload.KillTally k = tally.kill;
    String state = k.endState() == null ? "unknown" : k.endState().stored();
    if (fromRedis && k.id() != null) {
      state = spool.statuses().findOrUnknown(k.id()).state().stored();
    }
    DemoSummary.Kill kill =
        new DemoSummary.Kill(
            k.id() == null ? null : k.id().toString(),
            DemoWorkload.EXPORT_REPORT.name(),
            state,
            k.runMillisBeforeRequest(),
            k.millisToStop());
    return new DemoSummary.Tour(b, recurring, unique, kill);
  }

  private long elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
