package dev.spool.testkit;

import dev.spool.Handler;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.RunLaterException;
import dev.spool.Spool;
import dev.spool.SpoolException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** What the inline and fake modes share: handlers, ids, the clock, and running a job. */
final class Engine {
  private record Registration<A>(JobType<A> type, Handler<A> handler) {}

  private final String owner;
  private final String node;
  private final Map<String, Registration<?>> handlers = new LinkedHashMap<>(); // guarded by this
  private final List<JobRun> runs = new ArrayList<>(); // guarded by this
  private final AtomicLong numbers = new AtomicLong();
  private volatile Clock clock = Clock.systemUTC();
  private volatile FailureMode failureMode = FailureMode.THROW;
  private volatile int maxPayloadBytes = Spool.Builder.DEFAULT_MAX_PAYLOAD_BYTES;
  private volatile Retry defaultRetry = Retry.DEFAULT;

  Engine(String owner, String node) {
    this.owner = owner;
    this.node = node;
  }

  synchronized <A> void register(JobType<A> type, Handler<A> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    if (handlers.containsKey(type.name())) {
      throw new IllegalArgumentException(
          "a handler for job type '" + type.name() + "' is already registered");
    }
    handlers.put(type.name(), new Registration<>(type, handler));
  }

  void clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  void failureMode(FailureMode mode) {
    this.failureMode = Objects.requireNonNull(mode, "mode");
  }

  void maxPayloadBytes(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + bytes);
    }
    this.maxPayloadBytes = bytes;
  }

  void defaultRetry(Retry retry) {
    this.defaultRetry = Objects.requireNonNull(retry, "retry");
  }

  /**
   * The policy a job runs with, as a real Spool picks it: its options', its type's, the default.
   */
  Retry retryOf(JobType<?> type, JobOptions options) {
    return options.retry().orElseGet(() -> type.declaredRetry().orElse(defaultRetry));
  }

  /** The JSON of a job's arguments, or the exception a real Spool would throw at enqueue. */
  String write(JobType<?> type, Object args) {
    return Args.write(type, args, maxPayloadBytes);
  }

  /** A new id on this queue; numbers count up per instance, from 1, whatever the queue. */
  JobId nextId(String queue) {
    return new JobId(queue, numbers.incrementAndGet());
  }

  /** Now, at the µs precision of a real Spool. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  synchronized List<JobRun> runs() {
    return List.copyOf(runs);
  }

  synchronized List<JobRun> failures() {
    return runs.stream().filter(r -> r.failure().isPresent()).toList();
  }

  synchronized void clearRuns() {
    runs.clear();
  }

  /** Fails unless a handler is registered for the type. */
  void requireHandler(String type) {
    registration(type);
  }

  private synchronized Registration<?> registration(String type) {
    Registration<?> registration = handlers.get(type);
    if (registration == null) {
      throw new SpoolException(
          "no handler registered for job type '"
              + type
              + "' in "
              + owner
              + ": register one with handle(type, handler) first"
              + (handlers.isEmpty()
                  ? ""
                  : " (handlers are registered for " + handlers.keySet() + ")"));
    }
    return registration;
  }

  /**
   * Runs a job through its handler, attempt after attempt (without waiting) until one succeeds or
   * the retry policy has none left, and records the run.
   *
   * @throws JobFailedException if the last attempt failed and the mode is {@link FailureMode#THROW}
   * @throws SpoolException if no handler is registered or the arguments do not fit its type
   */
  JobRun run(JobId id, String type, String json, Retry retry, Instant enqueuedAt) {
    return run(registration(type), id, json, retry, enqueuedAt);
  }

  private <A> JobRun run(
      Registration<A> registration, JobId id, String json, Retry retry, Instant enqueuedAt) {
    JobType<A> type = registration.type();
    TestJobContext.Recorded recorded = new TestJobContext.Recorded();
    TestJobContext context = null;
    A args = null;
    Throwable failure = null;
    RunLaterException postponed = null;
    int attempts = 0;
    while (attempts < retry.attempts()) {
      // Each attempt reads its own arguments, as on a worker: changes made by a failed attempt do
      // not leak into the next. A mismatch fails at once, before any attempt.
      args = Args.read(type, json);
      context = new TestJobContext(id, type.name(), attempts, node, enqueuedAt, recorded);
      attempts++;
      try {
        registration.handler().handle(context, args);
        failure = null;
        break;
      } catch (VirtualMachineError e) {
        throw e;
      } catch (RunLaterException e) {
        // A worker would run it again after the delay, with no attempt used: the run ends here.
        failure = null;
        postponed = e;
        break;
      } catch (Throwable t) {
        failure = t;
        if (!retry.retries(t)) {
          break; // final: a worker sends it to the dead set without another attempt
        }
      }
    }
    JobRun run =
        new JobRun(
            id,
            type.name(),
            args,
            enqueuedAt,
            attempts,
            failure,
            context.values(),
            recorded.progress(),
            recorded.errors(),
            recorded.data(),
            recorded.log(),
            postponed);
    synchronized (this) {
      runs.add(run);
    }
    if (failure != null && failureMode == FailureMode.THROW) {
      throw new JobFailedException(run);
    }
    return run;
  }
}
