package dev.spool.internal.worker;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.Callback;
import dev.spool.Errback;
import dev.spool.Handler;
import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Retry;
import dev.spool.SpoolException;
import dev.spool.UniqueJobConflictException;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.StoredOptions;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.schedule.Reaper;
import dev.spool.internal.schedule.RecurringStore;
import dev.spool.internal.schedule.Stager;
import dev.spool.internal.status.StatusStore;
import dev.spool.internal.worker.HandlerRegistry.Registration;
import io.lettuce.core.UnblockType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of a worker node. Threads: one fetcher (fetch, or block on the queues' wake-up signals
 * when there is nothing to do), one acker (writes outcomes in batches), one stager (delayed jobs),
 * a timer thread (heartbeats, reaping, timeouts), and a virtual thread per running job. See
 * docs/internals.md.
 */
public final class WorkerNode {
  private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);
  private static final int MAX_FETCH = 128;
  private static final long BLOCK_SECONDS = 2;

  private final WorkerSettings settings;
  private final RedisJobStore store;
  private final Clock clock;
  private final Semaphore slots;
  private final Map<String, RunningJob> held = new ConcurrentHashMap<>();
  private final Object heldChanged = new Object();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers;
  private final Acker acker;
  private final Stager stager;
  private final Reaper reaper;
  private final Pruner pruner;
  private final StatusStore statuses;
  private final Function<JobId, JobStatus> statusLoader;

  private static final String HOST = hostName();

  private final NodeRegistry registry;
  private final String instance = java.util.UUID.randomUUID().toString();
  private final long startedAtMs;
  private volatile long saturatedSinceMs;

  private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Batches asked whether they were stopped: "queue|token" -> {stopped 0/1, when (nanos)}. */
  private final Map<String, long[]> stopChecks = new ConcurrentHashMap<>();

  /** Kill requests for jobs not (yet) held here, by id, with when they came (nanos). */
  private final Map<String, Long> recentKills = new ConcurrentHashMap<>();

  private StatefulRedisPubSubConnection<String, String> kills;
  private StatefulRedisConnection<String, String> blocking;
  private volatile long blockingClientId = -1;
  private Thread fetcher;
  private Thread ackerThread;

  public WorkerNode(
      WorkerSettings settings,
      RedisJobStore store,
      StatusStore statuses,
      Function<JobId, JobStatus> statusLoader,
      Clock clock,
      Duration retention) {
    this.settings = settings;
    this.store = store;
    this.statuses = statuses;
    this.statusLoader = statusLoader;
    this.clock = clock;
    this.pruner = new Pruner(statuses, settings.queues(), clock, retention);
    this.registry = new NodeRegistry(store.redis(), store.keys());
    this.startedAtMs = clock.millis();
    this.slots = new Semaphore(settings.concurrency());
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-timer-" + settings.name()).factory());
    this.acker =
        new Acker(settings.name(), store, clock, timers, this::acknowledged, stopChecks::remove);
    this.stager =
        new Stager(
            store,
            new RecurringStore(store.redis(), store.keys()),
            settings.queues(),
            clock,
            settings.name());
    this.reaper = new Reaper(store, settings.queues(), clock);
  }

  public String name() {
    return settings.name();
  }

  public int busy() {
    return held.size();
  }

  public void start() {
    register(); // first: a name already taken by a live node stops the start here
    settings.queues().forEach(store::registerQueue);
    blocking = store.redis().openBlocking();
    blockingClientId = blocking.sync().clientId();
    listenForKills();
    stager.start();
    ackerThread = Thread.ofPlatform().name("spool-ack-" + name()).daemon().start(acker);
    fetcher = Thread.ofPlatform().name("spool-fetch-" + name()).daemon().start(this::fetchLoop);
    long beat = Math.max(100, settings.lease().toMillis() / 3);
    timers.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    long reap = Math.clamp(settings.lease().toMillis() / 2, 100, 15_000);
    timers.scheduleWithFixedDelay(this::reap, reap, reap, TimeUnit.MILLISECONDS);
    long prune = pruner.interval().toMillis();
    timers.scheduleWithFixedDelay(this::prune, prune, prune, TimeUnit.MILLISECONDS);
    log.info(
        "node {} started: queues {}, concurrency {}",
        name(),
        settings.queues(),
        settings.concurrency());
  }

  // ---- fetching -------------------------------------------------------------------------

  private void fetchLoop() {
    long backoffMs = 0;
    while (!closing.get()) {
      int want;
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        return;
      }
      want = 1 + slots.drainPermits();
      if (want > MAX_FETCH) {
        slots.release(want - MAX_FETCH);
        want = MAX_FETCH;
      }
      int got = 0;
      try {
        for (String queue : settings.queues()) {
          if (got == want || closing.get()) {
            break;
          }
          long now = Micros.now(clock);
          List<FetchedJob> jobs =
              store.fetch(queue, name(), now, settings.lease().toMillis(), want - got);
          for (FetchedJob job : jobs) {
            dispatch(job);
          }
          got += jobs.size();
        }
        backoffMs = 0;
      } catch (RuntimeException e) {
        slots.release(want - got);
        if (closing.get()) {
          return;
        }
        backoffMs = backoffMs == 0 ? 100 : Math.min(backoffMs * 2, 5_000);
        log.warn("node {}: fetch failed, retrying in {} ms: {}", name(), backoffMs, e.getMessage());
        if (!pause(backoffMs)) {
          return;
        }
        continue;
      }
      if (got < want) {
        slots.release(want - got);
      }
      if (got == 0) {
        awaitSignal();
      }
    }
  }

  /** Blocks until a queue signals new work (or a short bound passes, as a safety net). */
  private void awaitSignal() {
    String[] signals =
        settings.queues().stream()
            .flatMap(
                q ->
                    java.util.stream.Stream.of(
                        store.keys().queue(q).signalOf(name()), store.keys().queue(q).signal()))
            .toArray(String[]::new);
    try {
      blocking.sync().blpop(BLOCK_SECONDS, signals);
    } catch (RuntimeException e) {
      if (!closing.get()) {
        log.debug("node {}: wait for signal ended: {}", name(), e.getMessage());
        pause(200);
      }
    }
  }

  private static boolean pause(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void dispatch(FetchedJob job) {
    RunningJob running = new RunningJob(job, name(), statuses, statusLoader);
    String id = job.id().toString();
    held.put(id, running);
    if (recentKills.remove(id) != null) {
      running.requestKill(); // the request overtook the fetch
    }
    handlers.execute(() -> run(running));
  }

  /** Kill requests are pushed over pub/sub: the handler is interrupted within milliseconds. */
  private void listenForKills() {
    kills = store.redis().openPubSub();
    kills.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String id) {
            RunningJob job = held.get(id);
            if (job != null) {
              log.info("node {}: kill requested for {}", name(), job);
              job.requestKill();
            } else {
              long now = System.nanoTime();
              recentKills.values().removeIf(at -> now - at > TimeUnit.SECONDS.toNanos(10));
              recentKills.put(id, now);
            }
          }
        });
    kills.sync().subscribe(statuses.killChannel());
  }

  // ---- running --------------------------------------------------------------------------

  private void run(RunningJob job) {
    job.bind(Thread.currentThread());
    Failure failure;
    try {
      failure = batchStopped(job) ? killed(job, "its batch was stopped") : execute(job);
    } catch (Throwable t) {
      failure =
          failed(
              job,
              StoredOptions.NONE,
              JobErrors.describe(t, job.attempt(), name(), clock.instant()));
    }
    Thread.interrupted(); // a timeout or shutdown interrupt must not leak into the next task
    if (job.isKillRequested() && (failure == null || !failure.killed())) {
      failure = killed(job, "killed on request while running on node '" + name() + "'");
    }
    if (!job.finish()) {
      return; // handed back at shutdown: the job is back in its queue already
    }
    synchronized (heldChanged) {
      heldChanged.notifyAll();
    }
    acker.submit(new Ack(job, failure));
  }

  private Failure killed(RunningJob job, String why) {
    return new Failure(job.id().number(), job.attempt(), error(job, "Killed", why), Failure.KILLED);
  }

  /**
   * Whether the job's batch was stopped. A stop is for good, so a stopped batch is remembered; a
   * running one is asked again after {@link #STOP_CHECK_NANOS}, so parts of a busy batch do not
   * each cost a round trip.
   */
  private boolean batchStopped(RunningJob job) {
    String part = job.batchPart();
    if (part.isEmpty()) {
      return false;
    }
    String batch = Ack.batchOf(part);
    long now = System.nanoTime();
    long[] seen = stopChecks.get(batch);
    if (seen != null && (seen[0] == 1 || now - seen[1] < STOP_CHECK_NANOS)) {
      return seen[0] == 1;
    }
    boolean stopped = store.batchStopped(part);
    if (stopChecks.size() > 10_000) {
      stopChecks.clear();
    }
    stopChecks.put(batch, new long[] {stopped ? 1 : 0, now});
    return stopped;
  }

  /** The internal job that tells a batch that one of its parts ended elsewhere. */
  private Failure reportBatchPart(RunningJob job) throws JsonProcessingException {
    var args = Json.mapper().readTree(job.job().args());
    store.batchDone(
        args.get("part").asText(), "ok".equals(args.get("outcome").asText()), Micros.now(clock));
    return null;
  }

  /** Runs the handler; returns null on success, or the failure to record. */
  private Failure execute(RunningJob job) {
    FetchedJob stored = job.job();
    StoredOptions options;
    try {
      options = StoredOptions.parse(stored.options());
    } catch (JsonProcessingException e) {
      return dead(
          job, "MalformedJob", "stored options are not valid JSON: " + e.getOriginalMessage());
    }
    if (stored.type() == null || stored.args() == null) {
      return dead(
          job,
          "MalformedJob",
          "stored job has no " + (stored.type() == null ? "type" : "arguments"));
    }
    if (stored.lockHolder() != null && !stored.lockHolder().isEmpty()) {
      JobId holder = new JobId(job.id().queue(), Long.parseLong(stored.lockHolder()));
      UniqueJobConflictException conflict = new UniqueJobConflictException(stored.type(), holder);
      return failed(job, options, error(job, conflict.getClass().getName(), conflict.getMessage()));
    }
    if (RedisJobStore.BATCH_PART_DONE.equals(stored.type())) {
      try {
        return reportBatchPart(job);
      } catch (JsonProcessingException e) {
        return dead(
            job, "MalformedPayload", "arguments are not valid JSON: " + e.getOriginalMessage());
      }
    }
    Registration<?> registration = settings.handlers().find(stored.type());
    if (registration == null) {
      String message =
          "no handler registered for type '" + stored.type() + "' on node '" + name() + "'";
      return failed(job, options, error(job, "UnknownJobType", message));
    }
    Class<?> argsType = registration.type().argsType();
    Object args;
    try {
      args = Json.read(stored.args(), argsType);
    } catch (JsonParseException e) {
      return dead(
          job, "MalformedPayload", "arguments are not valid JSON: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      return dead(
          job,
          "ArgumentMismatch",
          "arguments do not fit " + argsType.getName() + ": " + e.getOriginalMessage());
    }
    if (options.timeoutMs() != null) {
      job.timeoutTask(timers.schedule(job::timeOut, options.timeoutMs(), TimeUnit.MILLISECONDS));
    }
    try {
      invoke(registration, job, args);
      return null;
    } catch (Throwable t) {
      runErrbacks(registration, job, args, t);
      if (job.timedOut()) {
        String message = "timed out after " + Duration.ofMillis(options.timeoutMs());
        return failed(job, options, error(job, "JobTimeout", message));
      }
      return failed(job, options, JobErrors.describe(t, job.attempt(), name(), clock.instant()));
    }
  }

  @SuppressWarnings("unchecked")
  private <A> void runErrbacks(
      Registration<A> registration, RunningJob job, Object args, Throwable error) {
    for (Errback<A> errback : registration.onFailure()) {
      try {
        errback.accept(job, (A) args, error);
      } catch (Throwable e) {
        log.warn("node {}: an errback of {} failed: {}", name(), job, e.toString());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <A> void invoke(Registration<A> registration, RunningJob job, Object args)
      throws Exception {
    Handler<A> handler = registration.handler();
    handler.handle(job, (A) args);
    for (Callback<A> callback : registration.onSuccess()) {
      callback.accept(job, (A) args);
    }
  }

  private String error(RunningJob job, String kind, String message) {
    return JobErrors.describe(kind, message, job.attempt(), name(), clock.instant());
  }

  private Failure dead(RunningJob job, String kind, String message) {
    log.warn("node {}: {} is dead: {}", name(), job, message);
    return new Failure(job.id().number(), job.attempt(), error(job, kind, message), -1);
  }

  /** A retry if the job's budget allows one, else death. */
  private Failure failed(RunningJob job, StoredOptions options, String errorJson) {
    Retry retry = options.effectiveRetry();
    int used = job.attempt() - job.job().budgetStart() + 1;
    long retryAt = -1;
    if (used < retry.attempts()) {
      retryAt = clock.millis() + retry.delayBefore(used).toMillis();
    }
    return new Failure(job.id().number(), job.attempt(), errorJson, retryAt);
  }

  private void acknowledged(RunningJob job) {
    // Only this attempt: after a lost lease the node may already hold the job's next attempt
    // under the same id, and a stale acknowledgement must not drop it.
    held.remove(job.id().toString(), job);
    slots.release();
    synchronized (heldChanged) {
      heldChanged.notifyAll();
    }
  }

  // ---- leases ---------------------------------------------------------------------------

  private void register() {
    long now = clock.millis();
    registry.register(
        name(),
        instance,
        settings.lease().toMillis(),
        new NodeRegistry.Registration(
            HOST,
            ProcessHandle.current().pid(),
            settings.queues(),
            settings.concurrency(),
            held.size(),
            startedAtMs,
            now,
            saturatedSince(now)));
  }

  /** Since when every slot has been taken, or 0 while the node has room. */
  private long saturatedSince(long now) {
    if (held.size() < settings.concurrency()) {
      saturatedSinceMs = 0;
    } else if (saturatedSinceMs == 0) {
      saturatedSinceMs = now;
    }
    return saturatedSinceMs;
  }

  /**
   * Lets any node take the non-strict jobs pinned to nodes that are dead or saturated longer than
   * the fallback. Every node does this for its queues; it is idempotent.
   */
  private void route() {
    NodeRegistry.Liveness nodes =
        registry.liveness(clock.millis() - settings.affinityFallback().toMillis());
    for (String queue : settings.queues()) {
      for (String node : store.pinnedNodes(queue)) {
        if (!nodes.alive().contains(node) || nodes.saturated().contains(node)) {
          long n = store.route(queue, node);
          if (n > 0) {
            log.info("queue {}: {} jobs pinned to node {} may now run anywhere", queue, n, node);
          }
        }
      }
    }
  }

  private void heartbeat() {
    try {
      register();
    } catch (RuntimeException e) {
      log.warn("node {}: could not renew its registration: {}", name(), e.getMessage());
    }
    long deadline = clock.millis() + settings.lease().toMillis();
    for (String queue : settings.queues()) {
      long[] numbers =
          held.values().stream()
              .filter(j -> j.id().queue().equals(queue))
              .mapToLong(j -> j.id().number())
              .toArray();
      if (numbers.length > 0) {
        store
            .heartbeat(queue, name(), deadline, numbers)
            .whenComplete(
                (n, e) -> {
                  if (e != null) {
                    log.warn("node {}: heartbeat failed: {}", name(), e.toString());
                  }
                });
      }
    }
  }

  private void prune() {
    try {
      pruner.runOnce();
    } catch (RuntimeException e) {
      log.warn("node {}: pruning statuses failed: {}", name(), e.getMessage());
    }
  }

  private void reap() {
    try {
      reaper.runOnce();
      route();
    } catch (RuntimeException e) {
      log.warn("node {}: reaping failed: {}", name(), e.getMessage());
    }
  }

  // ---- stopping -------------------------------------------------------------------------

  /** Graceful: see {@code Worker.close()}. */
  public void close() {
    if (fetcher == null || !closing.compareAndSet(false, true)) {
      return; // never started (its start failed), or closed already
    }
    stopFetching();
    stager.close();
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
    synchronized (heldChanged) {
      while (held.values().stream().anyMatch(RunningJob::running)) {
        long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMs <= 0) {
          break;
        }
        try {
          heldChanged.wait(waitMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    handBackRunning();
    awaitAcks(Duration.ofSeconds(10));
    try {
      registry.leave(name(), instance);
    } catch (RuntimeException e) {
      log.debug(
          "node {}: could not leave the registry (its entry will expire): {}",
          name(),
          e.getMessage());
    }
    acker.stop();
    ackerThread.interrupt();
    timers.shutdownNow();
    handlers.shutdownNow();
    closeQuietly();
    log.info("node {} stopped", name());
  }

  private void handBackRunning() {
    Map<String, List<RunningJob>> byQueue = new java.util.LinkedHashMap<>();
    for (RunningJob job : held.values()) {
      if (job.handBack()) {
        byQueue.computeIfAbsent(job.id().queue(), q -> new ArrayList<>()).add(job);
      }
    }
    byQueue.forEach(
        (queue, jobs) -> {
          long[] pairs = new long[jobs.size() * 2];
          for (int i = 0; i < jobs.size(); i++) {
            pairs[2 * i] = jobs.get(i).id().number();
            pairs[2 * i + 1] = jobs.get(i).attempt();
          }
          try {
            long n = store.release(queue, name(), pairs);
            log.info("node {}: handed {} unfinished jobs back to queue {}", name(), n, queue);
          } catch (SpoolException e) {
            log.warn(
                "node {}: could not hand back {} jobs (their leases will expire): {}",
                name(),
                jobs.size(),
                e.getMessage());
          }
          jobs.forEach(j -> held.remove(j.id().toString(), j));
        });
  }

  private void awaitAcks(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (heldChanged) {
      while (!held.isEmpty() || !acker.idle()) {
        long waitMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (waitMs <= 0) {
          log.warn(
              "node {}: {} outcomes not recorded at shutdown (their leases will expire)",
              name(),
              held.size());
          return;
        }
        try {
          heldChanged.wait(Math.min(waitMs, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Stages due delayed jobs and fires due recurring ticks now, for tests with a manual clock. */
  public long stageNow() {
    return stager.runOnce();
  }

  /** A crash, for tests: stop everything at once, recording nothing. */
  public void halt() {
    if (fetcher == null || !closing.compareAndSet(false, true)) {
      return;
    }
    acker.stop();
    timers.shutdownNow();
    stager.halt();
    stopFetching();
    ackerThread.interrupt();
    held.values().forEach(RunningJob::handBack);
    handlers.shutdownNow();
    closeQuietly();
  }

  private void stopFetching() {
    fetcher.interrupt();
    try {
      if (blockingClientId >= 0) {
        store.redis().async().clientUnblock(blockingClientId, UnblockType.ERROR);
      }
    } catch (RuntimeException e) {
      log.debug("node {}: unblock failed: {}", name(), e.getMessage());
    }
    try {
      fetcher.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeQuietly() {
    try {
      if (kills != null) {
        kills.close();
      }
      blocking.close();
    } catch (RuntimeException e) {
      log.debug("node {}: closing connection failed: {}", name(), e.getMessage());
    }
  }
}
