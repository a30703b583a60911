package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.SpoolException;
import dev.spool.Worker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
      String namespace,
      Duration duration,
      Duration drain,
      int workers,
      int concurrency) {}

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
    baseline = Snapshot.take(spool, DemoWorkload.QUEUES);
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
      enqueue();
      enqueueMs = elapsedMs();
      drain();
      totalMs = elapsedMs();
    } catch (SpoolException e) {
      if (!stop.isRequested()) {
        throw e;
      }
      // Ctrl-C also stops an embedded redis-server: sum up what this process saw.
      enqueueMs = Math.min(elapsedMs(), settings.duration().toMillis());
      totalMs = elapsedMs();
    }
    if (stop.byUser() && settings.embeddedRedis()) {
      // Ctrl-C reaches the embedded redis-server too (same process group), and the JVM stops it
      // anyway: nothing can be handed back or read any more, and the nodes' complaints about
      // that are expected, so they are muted. Sum up what this process saw.
      Verbosity.muteLibraryLogs();
      view.detach();
      err.println();
      err.println("Stopped by Ctrl-C, which stops the demo's redis-server too.");
      err.flush();
      return summary(null, enqueueMs, totalMs);
    }
    if (stop.byUser()) {
      view.detach();
      err.println();
      err.println("Stopped by Ctrl-C: letting running jobs finish, then summing up.");
      err.flush();
    }
    closeNodes();
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
            + "%d worker nodes (%s), %d jobs at once each, fetching from mail, default, then"
            + " images.%n"
            + "For %s, a wave of jobs every second, on three queues:%n"
            + "  images   resize-image     20-200 ms each; every %d s a burst of 120-200, then 3"
            + " urgent ones%n"
            + "                            (priority %d) that skip the line%n"
            + "  mail     send-email       delayed by 2s to %s; two are cancelled before they run%n"
            + "  default  sync-inventory   fails its first attempt, succeeds on the retry%n"
            + "           deliver-webhook  always fails: 2 attempts 300 ms apart, then the dead"
            + " set%n"
            + "Legend: # succeeded, x dead or cancelled; R ready, D delayed (incl. retries),"
            + " P processing/completed.%n"
            + "Ctrl-C stops early and still sums up.%n%n",
        where,
        settings.workers(),
        names,
        settings.concurrency(),
        DurationConverter.format(settings.duration()),
        DemoWorkload.BURST_EVERY,
        DemoWorkload.URGENT_PRIORITY,
        DurationConverter.format(workload.maxDelay()));
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
    view.render(
        new LiveView.Frame(
            phase,
            clock,
            workload.tally().enqueued(),
            s.completed() - baseline.completed(),
            s.dead() - baseline.dead(),
            workload.tally().cancelled(),
            s.pending() - baseline.pending(),
            s,
            nodes,
            settings.concurrency()));
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  /** Closes the nodes together: each lets its running jobs finish and hands the rest back. */
  private void closeNodes() {
    List<Thread> closing =
        nodes.stream()
            .map(n -> Thread.ofPlatform().name("close-" + n.name()).start(n::close))
            .toList();
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The queues once the nodes are stopped; null if Redis is gone (as after Ctrl-C). */
  private Snapshot finalSnapshot() {
    try {
      return sample();
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
      long enqueued = c.enqueued.sum();
      long cancelled = c.cancelled.sum();
      long succeeded;
      long dead;
      long pending;
      if (last != null) {
        Snapshot.Queue now = last.queue(q);
        Snapshot.Queue before = baseline.queue(q);
        succeeded = now.counts().completed() - before.counts().completed();
        dead = now.dead() - before.dead();
        pending = now.pending() - before.pending();
      } else {
        succeeded = c.succeeded.sum();
        dead = c.died.sum();
        pending = Math.max(0, enqueued - succeeded - dead - cancelled);
      }
      rows.add(
          new DemoSummary.Row(q, enqueued, succeeded, c.retried.sum(), dead, cancelled, pending));
    }
    return new DemoSummary(
        settings.redisDisplay(),
        settings.namespace(),
        last != null,
        stop.byUser(),
        enqueueMs / 1000.0,
        totalMs / 1000.0,
        rows,
        tally.urgentJobs(),
        tally.urgentAverageWaitMs(),
        tally.otherAverageWaitMs());
  }

  private long elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
