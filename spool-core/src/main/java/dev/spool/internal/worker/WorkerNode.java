package dev.spool.internal.worker;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.SpoolException;
import dev.spool.StopSummary;
import dev.spool.internal.Micros;
import dev.spool.internal.node.LeaderLease;
import dev.spool.internal.node.LocalNodes;
import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Released;
import dev.spool.internal.redis.FailureScope;
import dev.spool.internal.schedule.IndexSweep;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.schedule.RecurringStore;
import dev.spool.internal.schedule.Stager;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker node: starts its roles, each on its own thread, and stops them. {@link Fetcher} leases
 * jobs, {@link JobRunner} runs them on virtual threads, {@link Acker} writes their outcomes, {@link
 * Heartbeat} renews the node's name and leases, {@link Maintenance} reaps, routes and prunes where
 * this node leads, the {@link Stager} moves due jobs to ready, {@link KillListener} hears kill
 * requests. See docs/internals.md.
 */
public final class WorkerNode {
  private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);
  private static final Duration ACK_FLUSH_BOUND = Duration.ofSeconds(10);

  /** After a hurried stop (a second Ctrl-C), outcomes still unwritten are left to their lease. */
  private static final Duration HURRIED_FLUSH_BOUND = Duration.ofSeconds(1);

  private final NodeContext node;
  private final String instance = UUID.randomUUID().toString();
  private final HeldJobs held;
  private final NodeRegistry registry;
  private final ScheduledExecutorService timers;
  private final Acker acker;
  private final KillListener kills;
  private final JobRunner runner;
  private final Fetcher fetcher;
  private final Heartbeat heartbeat;
  private final Maintenance maintenance;
  private final Stager stager;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final StopDeadline stopDeadline = new StopDeadline();
  private final CompletableFuture<StopSummary> stopped = new CompletableFuture<>();
  private volatile boolean hurried;
  private volatile boolean stopBegun;
  private volatile boolean started;
  private Thread ackerThread;

  public WorkerNode(
      WorkerSettings settings,
      RedisJobStore store,
      StatusStore statuses,
      Function<JobId, JobStatus> statusLoader,
      Clock clock,
      Duration retention) {
    this.node = new NodeContext(settings, store, statuses, statusLoader, clock);
    this.held = new HeldJobs(settings.concurrency());
    this.registry = new NodeRegistry(store.redis(), store.keys());
    // Per-job timeouts and the acker's retry delays: short tasks, never a Redis call.
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-timer-" + settings.name()).factory());
    this.kills = new KillListener(node, held);
    JobRunner[] runnerRef = new JobRunner[1];
    this.acker =
        new Acker(
            settings.name(),
            store,
            store.redis(),
            clock,
            timers,
            held::done,
            batch -> runnerRef[0].forgetStopCheck(batch));
    this.runner = new JobRunner(node, held, acker, kills, timers);
    runnerRef[0] = runner;
    this.fetcher = new Fetcher(node, held, instance, runner::dispatch);
    this.heartbeat =
        new Heartbeat(node, held, registry, instance, this::stopForNameLost, this::quietAsked);
    this.maintenance =
        new Maintenance(
            node,
            new LeaderLease(store.redis(), store.keys(), settings.name()),
            new Router(node, registry),
            new Pruner(statuses, store::trimDead, clock, retention),
            new IndexSweep(statuses));
    this.stager =
        new Stager(
            store,
            new RecurringStore(store.redis(), store.keys()),
            settings.queues(),
            clock,
            settings.name());
  }

  public String name() {
    return node.name();
  }

  public int busy() {
    return held.size();
  }

  public int concurrency() {
    return node.settings().concurrency();
  }

  /**
   * Claims the node's name, then starts every role. If a step fails, everything taken so far is
   * given back (threads, connections, the name) before the failure is thrown.
   */
  public void start() {
    LocalNodes.started(instance);
    boolean registered = false;
    // The two pub/sub connections (kill requests, due jobs) open while the name is claimed: each
    // is a connect and a SUBSCRIBE round trip that the claim does not depend on.
    CompletableFuture<Void> listening =
        CompletableFuture.runAsync(
            () -> {
              kills.start();
              stager.start();
            },
            task -> Thread.ofPlatform().daemon().name("spool-start-" + name()).start(task));
    try {
      heartbeat.register(); // first: a name already taken by a live node stops the start here
      registered = true;
      node.settings().queues().forEach(node.store()::registerQueue);
      awaitListening(listening);
      heartbeat.start();
      ackerThread = Thread.ofPlatform().name("spool-ack-" + name()).daemon().start(acker);
      fetcher.start();
      maintenance.start();
      started = true;
    } catch (RuntimeException e) {
      listening.exceptionally(t -> null).join(); // opened or failed: only then can it be closed
      abortStart(registered);
      throw node.store().redis().failure(e); // a SpoolException saying what Redis refused
    } catch (Error e) {
      listening.exceptionally(t -> null).join();
      abortStart(registered);
      throw e;
    }
    log.info(
        "node {} started: queues {}, concurrency {}",
        name(),
        node.settings().queues(),
        node.settings().concurrency());
  }

  /** Waits for the pub/sub connections; their failure is the start's, as if opened here. */
  private static void awaitListening(CompletableFuture<Void> listening) {
    try {
      listening.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private void abortStart(boolean registered) {
    closing.set(true);
    fetcher.halt();
    maintenance.stop();
    heartbeat.stop();
    stager.close();
    acker.stop();
    if (ackerThread != null) {
      ackerThread.interrupt();
    }
    kills.close();
    fetcher.closeConnection();
    timers.shutdownNow();
    runner.shutdownNow();
    LocalNodes.stopped(instance);
    if (registered) {
      if (leaveRegistry()) {
        maintenance.resign();
      }
    }
  }

  /** How many handlers run now. */
  public int running() {
    return held.running();
  }

  /** Graceful, with the configured shutdown timeout: see {@code Worker.close()}. */
  public StopSummary close() {
    return stop(node.settings().shutdownTimeout());
  }

  /**
   * Graceful: see {@code Worker.stop(Duration)}. The first call stops the node; a call while it
   * stops brings the deadline forward (a second Ctrl-C) and waits for the same stop to end.
   */
  public StopSummary stop(Duration timeout) {
    if (!started) {
      return StopSummary.NONE; // its start failed: it holds nothing
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!closing.compareAndSet(false, true)) {
      hurry(deadline);
      return stopped.join();
    }
    stopDeadline.bringForward(deadline);
    try {
      StopSummary summary = stopNow();
      stopped.complete(summary);
      return summary;
    } catch (RuntimeException | Error e) {
      stopped.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * Another instance took this node's name: stops, as {@link #close()} does, on a thread of its own
   * (the heartbeat's is shut down by the stop).
   */
  /** At each heartbeat: an operator's quiet request (Monitor.quietNode), or its end. */
  private void quietAsked(boolean quiet) {
    if (fetcher.quiet(quiet)) {
      if (quiet) {
        log.info(
            "node {}: quiet, as an operator asked: it fetches no new jobs and runs the {} it holds",
            node.name(),
            held.size());
      } else {
        log.info("node {}: resumed, as an operator asked: it fetches jobs again", node.name());
      }
    }
  }

  private void stopForNameLost() {
    Thread.ofPlatform()
        .daemon()
        .name("spool-stop-" + node.name())
        .start(
            () -> {
              try {
                close();
              } catch (RuntimeException e) {
                log.warn("node {}: its stop failed: {}", node.name(), e.toString());
              }
            });
  }

  /** Completes when the node has stopped, by a stop call or by itself. */
  public CompletableFuture<StopSummary> stopped() {
    return stopped.copy();
  }

  /** The jobs whose handler runs now. */
  private Set<RunningJob> runningJobs() {
    Set<RunningJob> jobs = Collections.newSetFromMap(new IdentityHashMap<>());
    held.all().stream().filter(RunningJob::running).forEach(jobs::add);
    return jobs;
  }

  /** Whether a stop has begun: the jobs running then are known, and no more are fetched. */
  public boolean stopBegun() {
    return stopBegun;
  }

  /** A stop call while the node stops: its deadline wins if sooner, and the flush is cut short. */
  private void hurry(long deadline) {
    stopDeadline.bringForward(deadline);
    hurried = true;
    held.signal();
  }

  private StopSummary stopNow() {
    Set<RunningJob> runningAtStop = runningJobs();
    stopBegun = true;
    fetcher.stop(); // a fetch in flight completes: its jobs are dispatched, handed back below
    runningAtStop.addAll(runningJobs());
    stager.close();
    maintenance.stop();
    held.await(() -> held.all().stream().noneMatch(RunningJob::running), stopDeadline::nanos);
    HandBackCounts handBack = handBackRunning();
    long flushStart = System.nanoTime();
    if (!held.await(
        () -> held.isEmpty() && acker.idle(),
        () -> flushStart + (hurried ? HURRIED_FLUSH_BOUND : ACK_FLUSH_BOUND).toNanos())) {
      log.warn(
          "node {}: {} outcomes not recorded at shutdown (their leases will expire)",
          name(),
          held.size());
    }
    int finished = (int) runningAtStop.stream().filter(j -> j.finished() && !held.holds(j)).count();
    StopSummary summary =
        new StopSummary(
            finished,
            handBack.handedBack,
            handBack.leftToLease + held.size(),
            handBack.killed,
            handBack.attemptsUsed);
    heartbeat.stop();
    boolean left = leaveRegistry();
    if (left) {
      maintenance.resign(); // not with Redis away: each call would wait for its timeout
    }
    // Not with Redis away either (a call per queue); on a Cluster the queues live on other
    // nodes than the registry, which says nothing of them.
    if (left || clustered()) {
      fetcher.reclaimUnanswered();
      releasePreferredJobs();
    }
    acker.stop();
    ackerThread.interrupt();
    timers.shutdownNow();
    runner.shutdownNow();
    kills.close();
    fetcher.closeConnection();
    LocalNodes.stopped(instance);
    log.info(
        "node {} stopped: {} finished, {} handed back, {} left to their lease{}{}",
        name(),
        summary.finished(),
        summary.handedBack(),
        summary.leftToLease(),
        summary.killed() > 0 ? ", " + summary.killed() + " killed as requested" : "",
        summary.attemptsUsed() > 0
            ? ", "
                + summary.attemptsUsed()
                + " used an attempt (handed back at more than "
                + node.settings().maxHandBacks()
                + " stops)"
            : "");
    return summary;
  }

  private boolean clustered() {
    return node.store().redis().isCluster();
  }

  /** Gives the node's name back; false if Redis could not be reached. */
  private boolean leaveRegistry() {
    try {
      registry.leave(name(), instance);
      return true;
    } catch (RuntimeException e) {
      log.debug(
          "node {}: could not leave the registry (its entry will expire): {}",
          name(),
          e.getMessage());
      return false;
    }
  }

  /**
   * A node that leaves hands the jobs that only prefer it (not strict) to every node at once,
   * instead of leaving them for routing to find; its strict jobs wait for it to come back. At most
   * {@link #RELEASE_SLICES_AT_STOP} calls a queue, so a long list does not hold up the stop: the
   * other nodes route what is left once this one is gone.
   */
  private static final int RELEASE_SLICES_AT_STOP = 50;

  private void releasePreferredJobs() {
    for (String queue : node.settings().queues()) {
      try {
        long n =
            node.store().route(queue, name(), RELEASE_SLICES_AT_STOP, Micros.now(node.clock()));
        if (n > 0) {
          log.info(
              "node {}: left {} jobs that preferred it on queue {} to any node", name(), n, queue);
        }
      } catch (RuntimeException e) {
        log.debug(
            "node {}: could not release the jobs that prefer it on queue {} (routing will): {}",
            name(),
            queue,
            e.getMessage());
      }
    }
  }

  /** What {@link #handBackRunning} did with the jobs still running at a stop. */
  private static final class HandBackCounts {
    int handedBack;
    int leftToLease; // not handed back: Redis refused or was away
    int killed; // their kill was requested
    int attemptsUsed; // handed back too often (maxHandBacks)
  }

  /** Interrupts the handlers still running and hands their jobs back in one call per queue. */
  private HandBackCounts handBackRunning() {
    Map<String, List<RunningJob>> byQueue = new LinkedHashMap<>();
    for (RunningJob job : held.all()) {
      if (job.handBack()) {
        byQueue.computeIfAbsent(job.id().queue(), q -> new ArrayList<>()).add(job);
      }
    }
    HandBackCounts counts = new HandBackCounts();
    // Then the other queues' calls would wait for their timeouts; not on a Cluster, where each
    // queue lives on a node of its own and one node's failure says nothing of the others.
    boolean[] redisAway = {false};
    byQueue.forEach(
        (queue, jobs) -> {
          if (redisAway[0]) {
            counts.leftToLease += jobs.size();
            jobs.forEach(held::forget);
            return;
          }
          List<FetchedJob> fetched = new ArrayList<>(jobs.size());
          for (RunningJob job : jobs) {
            fetched.add(job.job());
          }
          try {
            int maxHandBacks = node.settings().maxHandBacks();
            Released released =
                node.store()
                    .release(queue, name(), Micros.now(node.clock()), fetched, maxHandBacks);
            // One not released was no longer this node's (its lease lapsed): ready again anyway.
            counts.handedBack += jobs.size() - (int) (released.killed() + released.attemptsUsed());
            counts.killed += (int) released.killed();
            counts.attemptsUsed += (int) released.attemptsUsed();
            log.info(
                "node {}: handed {} unfinished jobs back to queue {}{}",
                name(),
                released.handedBack(),
                queue,
                released.killed() > 0
                    ? " (" + released.killed() + " more ended killed: their kill was requested)"
                    : "");
            if (released.attemptsUsed() > 0) {
              log.warn(
                  "node {}: {} jobs of queue {} were handed back at more than {} stops without"
                      + " finishing: their attempt ended as abandoned ({} dead: no attempt left)",
                  name(),
                  released.attemptsUsed(),
                  queue,
                  maxHandBacks,
                  released.dead());
            }
          } catch (SpoolException e) {
            counts.leftToLease += jobs.size();
            redisAway[0] = FailureScope.wholeRedis(e) && !clustered();
            log.warn(
                "node {}: could not hand back {} jobs{} (their leases will expire): {}",
                name(),
                jobs.size(),
                redisAway[0] ? " nor those of other queues" : "",
                e.getMessage());
          }
          jobs.forEach(held::forget);
        });
    return counts;
  }

  /** Stages due delayed jobs and fires due recurring ticks now, for tests with a manual clock. */
  public long stageNow() {
    return stager.catchUp();
  }

  /**
   * How many batches of a maintenance duty ({@code reap}, {@code route}, {@code prune}) ran here.
   */
  public long maintenanceCalls(String duty) {
    return maintenance.calls(Maintenance.Duty.valueOf(duty.toUpperCase(java.util.Locale.ROOT)));
  }

  /** How many passes over the schedule of delayed jobs and recurring ticks this node began. */
  public long stagerPasses() {
    return stager.passes();
  }

  /** A crash, for tests: stop everything at once, recording nothing. */
  public void halt() {
    if (!started || !closing.compareAndSet(false, true)) {
      return;
    }
    acker.stop();
    heartbeat.stop();
    maintenance.stop();
    timers.shutdownNow();
    stager.halt();
    fetcher.halt();
    ackerThread.interrupt();
    held.all().forEach(RunningJob::handBack);
    runner.shutdownNow();
    kills.close();
    fetcher.closeConnection();
    LocalNodes.stopped(instance);
    stopped.complete(StopSummary.NONE); // a stop call after a crash returns at once
  }
}
