package dev.spool.internal.worker;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.AttemptResult;
import dev.spool.Callback;
import dev.spool.Errback;
import dev.spool.Handler;
import dev.spool.JobEvent;
import dev.spool.JobId;
import dev.spool.Retry;
import dev.spool.RunLaterException;
import dev.spool.UniqueJobConflictException;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.observe.Observers;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.StoredOptions;
import dev.spool.internal.worker.HandlerRegistry.Registration;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs fetched jobs, one virtual thread each: parses the stored job, runs its handler (with its
 * timeout), its callbacks or errbacks, and hands the outcome to the acker.
 */
final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final NodeContext node;
  private final HeldJobs held;
  private final Acker acker;
  private final KillListener kills;
  private final ScheduledExecutorService timers;
  private final ExecutorService handlers;

  /** Batches asked whether they were stopped: "queue|token" -> {stopped 0/1, when (nanos)}. */
  private final Map<String, long[]> stopChecks = new ConcurrentHashMap<>();

  JobRunner(
      NodeContext node,
      HeldJobs held,
      Acker acker,
      KillListener kills,
      ScheduledExecutorService timers) {
    this.node = node;
    this.handlers = handlerThreads(node);
    this.held = held;
    this.acker = acker;
    this.kills = kills;
    this.timers = timers;
  }

  /**
   * A virtual thread per job, or platform threads (reused, at most the concurrency at once, since
   * the node never holds more jobs) for handlers that keep a CPU busy.
   */
  private static ExecutorService handlerThreads(NodeContext node) {
    if (!node.settings().platformThreads()) {
      return Executors.newVirtualThreadPerTaskExecutor();
    }
    return Executors.newCachedThreadPool(
        Thread.ofPlatform().name("spool-handler-" + node.name() + "-", 0).daemon(true).factory());
  }

  /** A failed batch part may have stopped its batch: ask again next time. */
  void forgetStopCheck(String batch) {
    stopChecks.remove(batch);
  }

  void dispatch(FetchedJob fetched) {
    RunningJob job =
        new RunningJob(fetched, node.name(), node.clock(), node.statuses(), node.statusLoader());
    RunningJob earlier = held.add(job);
    if (earlier != null && earlier.abandon()) {
      // No heartbeat would tell it its lease is lost any more: it is no longer held under its id.
      log.warn(
          "node {}: fetched {} again while its earlier run went on (its lease ran out, or Redis"
              + " lost its data and the number went to a new job): interrupting the earlier run,"
              + " whose outcome would be refused",
          node.name(),
          job);
    }
    kills.check(job);
    try {
      handlers.execute(() -> run(job));
    } catch (RejectedExecutionException e) {
      // Halted meanwhile (a crash, for tests): the job is left to its lease.
      held.forget(job);
    }
  }

  /** Stops every handler thread at once (the last step of a shutdown, or a halt). */
  void shutdownNow() {
    handlers.shutdownNow();
  }

  private void run(RunningJob job) {
    JobMdc.put(job);
    try {
      observeAndRun(job);
    } finally {
      JobMdc.clear();
    }
  }

  /** Runs the job, telling listeners when it starts and how it ended, if any are registered. */
  private void observeAndRun(RunningJob job) {
    Observers observers = node.settings().observers();
    if (!observers.listening() && !observers.intercepting()) {
      runAndAck(job, null);
      return;
    }
    JobEvent event =
        new JobEvent(
            job.id(),
            String.valueOf(job.job().type()),
            job.attempt(),
            node.name(),
            job.job().recordedAtMicros() > 0 ? job.enqueuedAt() : null,
            node.clock().instant());
    if (observers.listening()) {
      observers.started(event);
    }
    long start = System.nanoTime();
    Failure failure = runAndAck(job, event);
    if (observers.listening()) {
      observers.finished(event, resultOf(failure), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** Marks an attempt handed back at shutdown: no outcome, the job is back in its queue. */
  private static final Failure HANDED_BACK = new Failure(null, "", 0);

  /** Marks an attempt abandoned when its lease was lost: no outcome, another node recovers it. */
  private static final Failure ABANDONED = new Failure(null, "", 0);

  private static AttemptResult resultOf(Failure failure) {
    if (failure == null) {
      return AttemptResult.SUCCEEDED;
    }
    if (failure == HANDED_BACK) {
      return AttemptResult.HANDED_BACK;
    }
    if (failure == ABANDONED) {
      return AttemptResult.ABANDONED;
    }
    if (failure.killed()) {
      return AttemptResult.KILLED;
    }
    if (failure.postponed()) {
      return AttemptResult.POSTPONED;
    }
    return failure.dead() ? AttemptResult.DEAD : AttemptResult.RETRIED;
  }

  /**
   * Runs the job and hands its outcome to the acker; returns that outcome (null for a success), or
   * {@link #HANDED_BACK} or {@link #ABANDONED}.
   */
  private Failure runAndAck(RunningJob job, JobEvent event) {
    // A pooled handler thread cleared its interrupts when it let its previous job go (unbind, a
    // lock with the interrupts): cleared again, for an interrupt from elsewhere; nothing can
    // target this job before it is bound.
    Thread.interrupted();
    job.bind(Thread.currentThread());
    // A hand-back or abandonment made before the thread was bound found nothing to interrupt:
    // the job is no longer this node's to run.
    Failure failure;
    try {
      failure = job.running() ? attempt(job, event) : null;
    } catch (Throwable t) {
      // A bug of Spool's own around the attempt (the handler's errors are the attempt's): the
      // job must still end, else it stays held, its lease renewed and its slot taken, for good.
      failure = internalFailure(job, t);
    }
    job.unbind(); // no interrupt meant for this job can reach the thread from now on
    Thread.interrupted(); // a timeout or shutdown interrupt must not leak into the next task
    if (job.isKillRequested() && (failure == null || !failure.killed())) {
      failure = killed(job, "killed on request while running on node '" + node.name() + "'");
    }
    if (!job.finish()) {
      if (job.abandoned()) {
        held.done(job); // its lease was lost: only now, with the handler ended, is its slot free
        return ABANDONED;
      }
      return HANDED_BACK; // handed back at shutdown: the job is back in its queue already
    }
    held.signal();
    acker.submit(new Ack(job, failure));
    logFailure(job, failure);
    return failure;
  }

  /** One attempt of a job this node still holds: its failure, or null for a success. */
  private Failure attempt(RunningJob job, JobEvent event) {
    try {
      if (batchStopped(job)) {
        return killed(job, "its batch was stopped");
      }
      if (job.isKillRequested()) {
        // Requested before the thread was bound (the kill overtook the fetch, or came while the
        // job waited for its thread): nothing was interrupted, so the handler is not started.
        return killed(job, "killed on request before it started on node '" + node.name() + "'");
      }
      return execute(job, event);
    } catch (Throwable t) {
      return failed(
          job,
          StoredOptions.NONE,
          JobErrors.describe(t, job.attempt(), node.name(), node.clock().instant()));
    }
  }

  /**
   * The attempt failed in Spool's own code, where no retry can be relied on to go otherwise: the
   * job is dead, with the error, for someone to look at and retry by hand.
   */
  private Failure internalFailure(RunningJob job, Throwable t) {
    log.error("node {}: {} failed in Spool's own code; it is dead", node.name(), job, t);
    try {
      return dead(job, "InternalError", "the worker failed around the attempt: " + t);
    } catch (Throwable again) {
      return new Failure(job.job(), "{\"type\":\"InternalError\"}", Failure.DEAD);
    }
  }

  /**
   * Says what became of a failed attempt, as Sidekiq and JobRunr do: a retry at info, a dead job at
   * warn (a kill was asked for, so it is not logged).
   */
  private void logFailure(RunningJob job, Failure failure) {
    if (failure == null || failure.killed()) {
      return;
    }
    try {
      if (failure.postponed()) {
        // At debug: a job that waits for a partner's quota may postpone many times a minute.
        log.debug(
            "node {}: {} postponed until {}",
            node.name(),
            job,
            Instant.ofEpochMilli(failure.retryAtMs()));
      } else if (failure.dead() && log.isWarnEnabled()) {
        log.warn(
            "node {}: {} is dead: {}", node.name(), job, JobErrors.summary(failure.errorJson()));
      } else if (!failure.dead() && log.isInfoEnabled()) {
        log.info(
            "node {}: {} failed, retrying at {}: {}",
            node.name(),
            job,
            Instant.ofEpochMilli(failure.retryAtMs()),
            JobErrors.summary(failure.errorJson()));
      }
    } catch (RuntimeException e) {
      // a logging backend's failure is no job's: the outcome is recorded already
    }
  }

  private Failure killed(RunningJob job, String why) {
    return new Failure(job.job(), error(job, "Killed", why), Failure.KILLED);
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
    boolean stopped = node.store().batchStopped(part);
    if (stopChecks.size() > 10_000) {
      stopChecks.clear();
    }
    stopChecks.put(batch, new long[] {stopped ? 1 : 0, now});
    return stopped;
  }

  /** The internal job that tells a batch that one of its parts ended elsewhere. */
  private Failure reportBatchPart(RunningJob job) throws JsonProcessingException {
    var args = Json.mapper().readTree(job.job().args());
    node.store()
        .batchDone(
            args.get("part").asText(),
            "ok".equals(args.get("outcome").asText()),
            Micros.now(node.clock()));
    return null;
  }

  /** Runs the handler; returns null on success, or the failure to record. */
  private Failure execute(RunningJob job, JobEvent event) {
    FetchedJob stored = job.job();
    StoredOptions options;
    try {
      options = StoredOptions.parse(stored.options());
    } catch (JsonProcessingException e) {
      return notRun(
          job,
          event,
          Map.of(),
          dead(
              job, "MalformedJob", "stored options are not valid JSON: " + e.getOriginalMessage()));
    }
    Map<String, String> headers = options.headersOrEmpty();
    // An empty type names no handler on any node: no retry can mend it, as a missing one.
    if (stored.type() == null || stored.type().isEmpty() || stored.args() == null) {
      return notRun(
          job,
          event,
          headers,
          dead(
              job,
              "MalformedJob",
              stored.type() == null
                  ? "stored job has no type"
                  : stored.type().isEmpty()
                      ? "stored job has an empty type"
                      : "stored job has no arguments"));
    }
    if (stored.lockHolder() != null && !stored.lockHolder().isEmpty()) {
      JobId holder = new JobId(job.id().queue(), Long.parseLong(stored.lockHolder()));
      UniqueJobConflictException conflict = new UniqueJobConflictException(stored.type(), holder);
      return notRun(
          job,
          event,
          headers,
          failed(job, options, error(job, conflict.getClass().getName(), conflict.getMessage())));
    }
    if (RedisJobStore.BATCH_PART_DONE.equals(stored.type())) {
      try {
        return reportBatchPart(job);
      } catch (JsonProcessingException e) {
        return dead(
            job, "MalformedPayload", "arguments are not valid JSON: " + e.getOriginalMessage());
      }
    }
    Registration<?> registration = node.settings().handlers().find(stored.type());
    if (registration == null) {
      String message =
          "no handler registered for type '" + stored.type() + "' on node '" + node.name() + "'";
      return notRun(
          job, event, headers, failed(job, options, error(job, "UnknownJobType", message)));
    }
    Class<?> argsType = registration.type().argsType();
    Object args;
    try {
      args = Json.readArgs(stored.args(), argsType);
    } catch (JsonParseException e) {
      return notRun(
          job,
          event,
          headers,
          dead(job, "MalformedPayload", "arguments are not valid JSON: " + e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      return notRun(
          job,
          event,
          headers,
          dead(
              job,
              "ArgumentMismatch",
              "arguments do not fit " + argsType.getName() + ": " + Json.describe(e)));
    }
    if (args == null) { // JSON null: no handler expects it, and no retry would change it
      return notRun(
          job,
          event,
          headers,
          dead(job, "ArgumentMismatch", "arguments are JSON null, not a " + argsType.getName()));
    }
    if (options.timeoutMs() != null) {
      job.timeoutTask(timers.schedule(job::timeOut, options.timeoutMs(), TimeUnit.MILLISECONDS));
    }
    try {
      if (event == null || !node.settings().observers().intercepting()) {
        invokeOrErrbacks(registration, job, args);
      } else {
        node.settings()
            .observers()
            .aroundRun(event, headers, () -> invokeOrTellTaken(registration, job, args));
      }
      return null;
    } catch (Throwable t) {
      if (job.timedOut()) {
        String message = "timed out after " + options.timeoutMs() + " ms";
        return failed(job, options, error(job, "JobTimeout", message));
      }
      if (t instanceof RunLaterException later) {
        return postponed(job, later);
      }
      String error = JobErrors.describe(t, job.attempt(), node.name(), node.clock().instant());
      if (!retryOf(job, options).retries(t)) {
        return new Failure(job.job(), error, Failure.DEAD); // final: no retry could mend it
      }
      return failed(job, options, error);
    }
  }

  /**
   * The handler asked to run later: the job waits without using an attempt, its log saying until
   * when and why (while this node still holds the attempt, before the outcome is recorded).
   */
  private Failure postponed(RunningJob job, RunLaterException later) {
    Instant due = node.clock().instant().plus(later.delay());
    String why = later.reason().isEmpty() ? "" : ": " + later.reason();
    try {
      job.log("postponed until " + due + why);
    } catch (RuntimeException e) {
      // the line only tells why: the postponement stands without it
    }
    return Failure.postponed(
        job.job(), error(job, "RunLater", later.getMessage()), due.toEpochMilli());
  }

  /**
   * An attempt that fails before its handler still runs through the interceptors, so that a tracer
   * sees it (an error span) like any other attempt: their {@code proceed} throws what the failure
   * says. Returns the failure to record.
   */
  private Failure notRun(
      RunningJob job, JobEvent event, Map<String, String> headers, Failure failure) {
    if (event == null || !node.settings().observers().intercepting()) {
      return failure;
    }
    String summary = JobErrors.summary(failure.errorJson());
    try {
      node.settings()
          .observers()
          .aroundRun(
              event,
              headers,
              () -> {
                throw new IllegalStateException(job + " not run: " + summary);
              });
    } catch (Exception e) {
      // the failure is recorded as it was, whatever an interceptor made of it
    }
    return failure;
  }

  /**
   * Runs the handler as {@link #invokeOrErrbacks} does, then throws a {@link CancellationException}
   * if the node took the job from the handler meanwhile, so that interceptors see the attempt did
   * not complete (the handler may have returned normally after its interrupt).
   */
  private void invokeOrTellTaken(Registration<?> registration, RunningJob job, Object args)
      throws Exception {
    try {
      invokeOrErrbacks(registration, job, args);
    } catch (Exception | Error e) {
      if (!job.running()) {
        throw taken(job, e);
      }
      throw e;
    }
    if (!job.running()) {
      throw taken(job, null);
    }
  }

  private CancellationException taken(RunningJob job, Throwable cause) {
    CancellationException e =
        new CancellationException(
            job.abandoned()
                ? job + " abandoned: node '" + node.name() + "' lost its lease"
                : job + " handed back to its queue: node '" + node.name() + "' is stopping");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** Runs the handler and callbacks; if they throw, the errbacks, and then rethrows. */
  private void invokeOrErrbacks(Registration<?> registration, RunningJob job, Object args)
      throws Exception {
    try {
      invoke(registration, job, args);
    } catch (Exception | Error e) {
      if (!(e instanceof RunLaterException)) { // no failure: the job runs again, later
        runErrbacks(registration, job, args, e);
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private <A> void runErrbacks(
      Registration<A> registration, RunningJob job, Object args, Throwable error) {
    for (Errback<A> errback : registration.onFailure()) {
      try {
        errback.accept(job, (A) args, error);
      } catch (Throwable e) {
        log.warn("node {}: an errback of {} failed: {}", node.name(), job, e.toString());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <A> void invoke(Registration<A> registration, RunningJob job, Object args)
      throws Exception {
    Handler<A> handler = registration.handler();
    handler.handle(job, (A) args);
    for (Callback<A> callback : registration.onSuccess()) {
      try {
        callback.accept(job, (A) args);
      } catch (RunLaterException e) {
        // The handler succeeded: running it again later would repeat what it did.
        throw new IllegalStateException(
            "a success callback threw RunLaterException: only a handler may run its job later", e);
      }
    }
  }

  private String error(RunningJob job, String kind, String message) {
    return JobErrors.describe(kind, message, job.attempt(), node.name(), node.clock().instant());
  }

  private Failure dead(RunningJob job, String kind, String message) {
    return new Failure(job.job(), error(job, kind, message), -1);
  }

  /**
   * The job's retry policy: the one stored with it (its enqueuer's choice), else its type's as this
   * node registered it, else this node's Spool's default. A job stored with none was enqueued under
   * {@link Retry#DEFAULT}, or by the CLI or another language, which know no type's policy.
   */
  private Retry retryOf(RunningJob job, StoredOptions options) {
    return options
        .storedRetry()
        .or(
            () -> {
              Registration<?> registration = node.settings().handlers().find(job.job().type());
              return registration == null ? Optional.empty() : registration.type().declaredRetry();
            })
        .orElse(node.settings().defaultRetry());
  }

  /** A retry if the job's budget allows one, else death. */
  private Failure failed(RunningJob job, StoredOptions options, String errorJson) {
    Retry retry = retryOf(job, options);
    // At least 1: attempt fields written by hand ('n' below 0, 'b' above 'n') must not make the
    // retry delay throw.
    int used = Math.max(1, job.attempt() - job.job().budgetStart() + 1);
    long retryAt = -1;
    if (used < retry.attempts()) {
      retryAt = node.clock().millis() + retry.delayBefore(used).toMillis();
    }
    return new Failure(job.job(), errorJson, retryAt);
  }
}
