package dev.spool.testkit;

import dev.spool.EnqueueResult;
import dev.spool.Handler;
import dev.spool.JobClient;
import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.SpoolException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The inline testing mode: a {@link JobClient} that runs each job through its handler in the
 * caller's thread, before {@code enqueue} returns. No Redis, no worker, no waiting.
 *
 * <pre>{@code
 * InlineJobs jobs = SpoolTesting.inline().handle(SEND_EMAIL, (job, email) -> outbox.add(email));
 * new Signup(jobs).register("a@b.c");          // the handler has run when this returns
 * }</pre>
 *
 * <p>What it keeps of a real Spool:
 *
 * <ul>
 *   <li>Arguments go through a JSON round trip with Spool's own mapper: arguments that a real Spool
 *       could not write, or a worker could not read back into the handler's type, fail the {@code
 *       enqueue} with a {@link SpoolException}, and so do arguments over the {@link
 *       #maxPayloadBytes(int) size limit}. The handler gets the copy read back, never the caller's
 *       object.
 *   <li>A failing handler is retried per the job's {@link dev.spool.Retry} (its {@link JobOptions}'
 *       or else its type's), without waiting between attempts. After the last attempt {@code
 *       enqueue} throws a {@link JobFailedException} naming the job, the handler's exception as its
 *       cause; with {@link #onFailure(FailureMode) onFailure(RECORD)} it returns the job's id
 *       instead and the failure is kept in {@link #failures()}.
 *   <li>The {@link JobContext} has the job's id, type, attempt (0, 1, …), node {@code "inline"},
 *       and {@code enqueuedAt} from the {@link #clock(Clock) clock}; {@code put/get/values}, {@code
 *       progress}, {@code addError} and {@code save} are kept in memory and show in {@link
 *       #runs()}. {@code isKillRequested()} is always false; {@code status()} throws {@link
 *       UnsupportedOperationException}.
 *   <li>Ids are {@code queue:n}, on the job's queue, n counting from 1 in this instance.
 * </ul>
 *
 * <p>What it does not do:
 *
 * <ul>
 *   <li>Jobs with a {@code delay} or {@code runAt} run at once, like all others; priorities do not
 *       matter either.
 *   <li>Uniqueness is not enforced: every job is accepted and runs ({@code tryEnqueue} always says
 *       accepted).
 *   <li>Timeouts are not enforced; node affinity does not apply.
 *   <li>{@link #cancel} finds nothing to cancel (jobs have run already) and returns false.
 *   <li>A job enqueued by a handler runs inside that handler's {@code enqueue}: if it fails (in
 *       {@code THROW} mode) the exception fails the enclosing job as well, which a real Spool would
 *       not do. Use {@link FakeJobs} to test such chains step by step.
 * </ul>
 *
 * <p>An {@code enqueue} of a type with no registered handler fails with a {@link SpoolException}.
 * Safe to use from several threads; handlers run in the thread that enqueues.
 */
public final class InlineJobs implements JobClient {
  private final Engine engine = new Engine("InlineJobs", "inline");

  /** Prefer {@link SpoolTesting#inline()}. */
  public InlineJobs() {}

  /** Runs jobs of this type with this handler. One handler per type. */
  public <A> InlineJobs handle(JobType<A> type, Handler<A> handler) {
    engine.register(type, handler);
    return this;
  }

  /** The clock for {@link JobContext#enqueuedAt()}; the system UTC clock by default. */
  public InlineJobs clock(Clock clock) {
    engine.clock(clock);
    return this;
  }

  /** What a job whose last attempt failed does; {@link FailureMode#THROW} by default. */
  public InlineJobs onFailure(FailureMode mode) {
    engine.failureMode(mode);
    return this;
  }

  /**
   * The limit on the JSON arguments of a job, as {@link
   * dev.spool.Spool.Builder#maxPayloadBytes(int)} sets it for a real Spool (whose default it
   * defaults to): larger arguments fail the {@code enqueue} with a {@link
   * dev.spool.PayloadTooLargeException}.
   */
  public InlineJobs maxPayloadBytes(int bytes) {
    engine.maxPayloadBytes(bytes);
    return this;
  }

  /**
   * The retry policy of jobs whose options and type name none, as {@link
   * dev.spool.Spool.Builder#defaultRetry(dev.spool.Retry)} sets it for a real Spool; {@link
   * dev.spool.Retry#DEFAULT} by default.
   */
  public InlineJobs defaultRetry(dev.spool.Retry retry) {
    engine.defaultRetry(retry);
    return this;
  }

  /** Runs the job at once; see the class comment. */
  @Override
  public <A> JobId enqueue(JobType<A> type, A args) {
    return enqueue(type, args, JobOptions.NONE);
  }

  /**
   * Runs the job at once, whatever its delay or run-at time; see the class comment.
   *
   * @throws JobFailedException if the handler failed on every attempt (in {@code THROW} mode)
   * @throws SpoolException if no handler is registered for the type, or the arguments do not
   *     survive a JSON round trip
   */
  @Override
  public <A> JobId enqueue(JobType<A> type, A args, JobOptions options) {
    check(type, options);
    return run(type, engine.write(type, args), options);
  }

  /** Runs the job at once; always accepted (uniqueness is not enforced inline). */
  public <A> EnqueueResult tryEnqueue(JobType<A> type, A args) {
    return tryEnqueue(type, args, JobOptions.NONE);
  }

  /** Runs the job at once; always accepted (uniqueness is not enforced inline). */
  @Override
  public <A> EnqueueResult tryEnqueue(JobType<A> type, A args, JobOptions options) {
    return new EnqueueResult(true, enqueue(type, args, options));
  }

  /** Runs the jobs one after the other, in list order. */
  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args) {
    return enqueueAll(type, args, JobOptions.NONE);
  }

  /**
   * Runs the jobs one after the other, in list order. All arguments are written as JSON first, so
   * that one that cannot be written fails the call before any job runs (a real Spool queues none
   * then either); a job that fails (in {@code THROW} mode) stops the rest.
   */
  @Override
  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args, JobOptions options) {
    check(type, options);
    Objects.requireNonNull(args, "args");
    List<String> json = new ArrayList<>(args.size());
    for (A a : args) {
      json.add(engine.write(type, a));
    }
    List<JobId> ids = new ArrayList<>(json.size());
    for (String j : json) {
      ids.add(run(type, j, options));
    }
    return ids;
  }

  /** Always false: inline jobs have run before their id is known, so none can be cancelled. */
  @Override
  public boolean cancel(JobId id) {
    Objects.requireNonNull(id, "id");
    return false;
  }

  /** Every job run so far, in the order they finished (a nested job before its parent). */
  public List<JobRun> runs() {
    return engine.runs();
  }

  /** The jobs whose last attempt failed (recorded in either {@link FailureMode}). */
  public List<JobRun> failures() {
    return engine.failures();
  }

  /** Forgets the runs recorded so far; handlers, settings and the id counter stay. */
  public void clear() {
    engine.clearRuns();
  }

  private <A> JobId run(JobType<A> type, String json, JobOptions options) {
    engine.requireHandler(type.name());
    JobId id = engine.nextId(options.queue().orElse(type.queue()));
    engine.run(id, type.name(), json, engine.retryOf(type, options), engine.now());
    return id;
  }

  private static void check(JobType<?> type, JobOptions options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
  }
}
