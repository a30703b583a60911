package dev.spool.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.EnqueueResult;
import dev.spool.Handler;
import dev.spool.JobClient;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.SpoolException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The fake testing mode: a {@link JobClient} that records every job enqueued, runs nothing, and
 * lets the test assert on what was enqueued, then {@link #drain() drain} the jobs through
 * registered handlers when it wants them run. No Redis, no worker, no waiting.
 *
 * <pre>{@code
 * FakeJobs jobs = SpoolTesting.fake();
 * new Signup(jobs).register("a@b.c");
 * jobs.assertEnqueued(SEND_EMAIL, new SendEmail("a@b.c", "Welcome"));
 * jobs.assertEnqueued(SEND_EMAIL, email -> email.to().endsWith("@b.c"));
 * }</pre>
 *
 * <p>Arguments go through a JSON round trip with Spool's own mapper at {@code enqueue}: arguments
 * that a real Spool could not write, or a worker could not read back into the type's arguments
 * class, or that are over the {@link #maxPayloadBytes(int) size limit}, fail the {@code enqueue}
 * with a {@link SpoolException}. Assertions compare arguments as JSON, so argument classes need no
 * {@code equals}.
 *
 * <p>Ids are {@code queue:n}, on the job's queue, n counting from 1 in this instance. Uniqueness is
 * not enforced: every job is recorded ({@code tryEnqueue} always says accepted). Delays, run-at
 * times and node affinity are recorded in the job's options but play no part in {@link #drain()}.
 *
 * <p>{@link #drain()} runs jobs as {@link InlineJobs} does: JSON arguments, retries without
 * waiting, node {@code "fake"}, {@link #onFailure(FailureMode) THROW or RECORD} on a final failure,
 * results in {@link #runs()}. Every method is safe to call from several threads; handlers run in
 * the thread that drains.
 */
public final class FakeJobs implements JobClient {
  /**
   * {@link #drain()} gives up after running this many jobs in one call (a job enqueuing itself?).
   */
  public static final int MAX_DRAINED = 100_000;

  private final Engine engine = new Engine("FakeJobs", "fake");
  private final List<EnqueuedJob> jobs = new ArrayList<>(); // guarded by this, in enqueue order

  /** Prefer {@link SpoolTesting#fake()}. */
  public FakeJobs() {}

  /** Runs jobs of this type with this handler when {@link #drain() draining}. One per type. */
  public <A> FakeJobs handle(JobType<A> type, Handler<A> handler) {
    engine.register(type, handler);
    return this;
  }

  /** The clock for {@link EnqueuedJob#enqueuedAt()}; the system UTC clock by default. */
  public FakeJobs clock(Clock clock) {
    engine.clock(clock);
    return this;
  }

  /** What {@link #drain()} does with a job whose last attempt failed; {@code THROW} by default. */
  public FakeJobs onFailure(FailureMode mode) {
    engine.failureMode(mode);
    return this;
  }

  /**
   * The limit on the JSON arguments of a job, as {@link
   * dev.spool.Spool.Builder#maxPayloadBytes(int)} sets it for a real Spool (whose default it
   * defaults to): larger arguments fail the {@code enqueue} with a {@link
   * dev.spool.PayloadTooLargeException}.
   */
  public FakeJobs maxPayloadBytes(int bytes) {
    engine.maxPayloadBytes(bytes);
    return this;
  }

  /**
   * The retry policy of jobs whose options and type name none, as {@link
   * dev.spool.Spool.Builder#defaultRetry(dev.spool.Retry)} sets it for a real Spool; {@link
   * dev.spool.Retry#DEFAULT} by default.
   */
  public FakeJobs defaultRetry(dev.spool.Retry retry) {
    engine.defaultRetry(retry);
    return this;
  }

  // ---- JobClient ------------------------------------------------------------------------------

  /** Records the job. */
  @Override
  public <A> JobId enqueue(JobType<A> type, A args) {
    return enqueue(type, args, JobOptions.NONE);
  }

  /**
   * Records the job with its options.
   *
   * @throws SpoolException if the arguments do not survive a JSON round trip
   */
  @Override
  public <A> JobId enqueue(JobType<A> type, A args, JobOptions options) {
    return enqueueAll(type, List.of(args), options).getFirst();
  }

  /** Records the job; always accepted (uniqueness is not enforced). */
  public <A> EnqueueResult tryEnqueue(JobType<A> type, A args) {
    return tryEnqueue(type, args, JobOptions.NONE);
  }

  /** Records the job; always accepted (uniqueness is not enforced). */
  @Override
  public <A> EnqueueResult tryEnqueue(JobType<A> type, A args, JobOptions options) {
    return new EnqueueResult(true, enqueue(type, args, options));
  }

  /** Records the jobs in list order. */
  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args) {
    return enqueueAll(type, args, JobOptions.NONE);
  }

  /**
   * Records the jobs in list order; arguments that cannot be written as JSON fail the call before
   * any job is recorded.
   */
  @Override
  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args, JobOptions options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(args, "args");
    List<String> json = new ArrayList<>(args.size());
    List<A> copies = new ArrayList<>(args.size());
    for (A a : args) {
      String j = engine.write(type, a);
      json.add(j);
      copies.add(Args.read(type, j));
    }
    String queue = options.queue().orElse(type.queue());
    List<JobId> ids = new ArrayList<>(json.size());
    synchronized (this) {
      for (int i = 0; i < json.size(); i++) {
        JobId id = engine.nextId(queue);
        jobs.add(
            new EnqueuedJob(
                id,
                type,
                copies.get(i),
                json.get(i),
                options,
                engine.now(),
                engine.retryOf(type, options)));
        ids.add(id);
      }
    }
    return ids;
  }

  /** Removes a recorded job; false if none has this id (never enqueued, drained or cancelled). */
  @Override
  public synchronized boolean cancel(JobId id) {
    Objects.requireNonNull(id, "id");
    return jobs.removeIf(j -> j.id().equals(id));
  }

  // ---- what was enqueued ----------------------------------------------------------------------

  /** The jobs recorded and not yet drained or cancelled, in enqueue order. */
  public synchronized List<EnqueuedJob> enqueued() {
    return List.copyOf(jobs);
  }

  /**
   * The arguments of the recorded jobs of this type, in enqueue order, each read again from its
   * JSON (fresh copies).
   */
  public <A> List<A> enqueued(JobType<A> type) {
    Objects.requireNonNull(type, "type");
    return enqueued().stream().filter(j -> j.is(type)).map(j -> j.args(type)).toList();
  }

  /** Forgets every recorded job, and the runs of earlier drains; handlers and settings stay. */
  public synchronized void clear() {
    jobs.clear();
    engine.clearRuns();
  }

  // ---- assertions -----------------------------------------------------------------------------

  /**
   * Asserts that a job of this type is recorded; returns the first one.
   *
   * @throws AssertionError listing what was enqueued, if none is
   */
  public EnqueuedJob assertEnqueued(JobType<?> type) {
    Objects.requireNonNull(type, "type");
    return first(type, j -> true, "a " + type.name() + " job");
  }

  /**
   * Asserts that a job of this type with these arguments (equal as JSON) is recorded; returns the
   * first one, for assertions on its options.
   *
   * @throws AssertionError listing what was enqueued, if none is
   */
  public EnqueuedJob assertEnqueued(JobType<?> type, Object args) {
    Objects.requireNonNull(type, "type");
    JsonNode expected = Args.tree(Args.write(type, args));
    return first(
        type,
        j -> Args.tree(j.json()).equals(expected),
        "a " + type.name() + " job with args " + expected);
  }

  /**
   * Asserts that a job of this type whose arguments match the predicate is recorded; returns the
   * first one.
   *
   * @throws AssertionError listing what was enqueued, if none is
   */
  public <A> EnqueuedJob assertEnqueued(JobType<A> type, Predicate<? super A> matching) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(matching, "matching");
    return first(
        type,
        j -> matching.test(j.args(type)),
        "a " + type.name() + " job with args matching the predicate");
  }

  /** Asserts that no job of this type is recorded. */
  public void assertNotEnqueued(JobType<?> type) {
    Objects.requireNonNull(type, "type");
    none(type, j -> true, "no " + type.name() + " job");
  }

  /** Asserts that no job of this type with these arguments (equal as JSON) is recorded. */
  public void assertNotEnqueued(JobType<?> type, Object args) {
    Objects.requireNonNull(type, "type");
    JsonNode unexpected = Args.tree(Args.write(type, args));
    none(
        type,
        j -> Args.tree(j.json()).equals(unexpected),
        "no " + type.name() + " job with args " + unexpected);
  }

  /** Asserts that no job of this type whose arguments match the predicate is recorded. */
  public <A> void assertNotEnqueued(JobType<A> type, Predicate<? super A> matching) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(matching, "matching");
    none(
        type,
        j -> matching.test(j.args(type)),
        "no " + type.name() + " job with args matching the predicate");
  }

  /** Asserts that no job at all is recorded. */
  public void assertNothingEnqueued() {
    List<EnqueuedJob> all = enqueued();
    if (!all.isEmpty()) {
      throw new AssertionError("expected no job to be enqueued, but " + describe(all));
    }
  }

  private EnqueuedJob first(JobType<?> type, Predicate<EnqueuedJob> test, String what) {
    List<EnqueuedJob> all = enqueued();
    for (EnqueuedJob j : all) {
      if (j.is(type) && test.test(j)) {
        return j;
      }
    }
    throw new AssertionError(
        "expected " + what + " to be enqueued, but there is none; " + describe(all));
  }

  private void none(JobType<?> type, Predicate<EnqueuedJob> test, String what) {
    List<EnqueuedJob> all = enqueued();
    List<EnqueuedJob> found = all.stream().filter(j -> j.is(type) && test.test(j)).toList();
    if (!found.isEmpty()) {
      throw new AssertionError(
          "expected "
              + what
              + " to be enqueued, but found "
              + found.stream().map(j -> j.id().toString()).toList()
              + "; "
              + describe(all));
    }
  }

  private static String describe(List<EnqueuedJob> all) {
    if (all.isEmpty()) {
      return "no job was enqueued";
    }
    StringBuilder s =
        new StringBuilder(all.size() == 1 ? "1 job was" : all.size() + " jobs were")
            .append(" enqueued:");
    for (EnqueuedJob j : all) {
      s.append("\n  ").append(j);
    }
    return s.toString();
  }

  // ---- running --------------------------------------------------------------------------------

  /**
   * Runs every recorded job through its handler, including the jobs that handlers enqueue while
   * draining, until none is left; highest priority first, then in enqueue order. Each job is
   * removed as it starts, whatever its outcome.
   *
   * @return how many jobs ran (failed ones included)
   * @throws SpoolException if a job's type has no handler (that job stays recorded)
   * @throws JobFailedException if a job failed on every attempt (in {@code THROW} mode); the jobs
   *     after it stay recorded
   */
  public int drain() {
    return drain(j -> true);
  }

  /**
   * As {@link #drain()}, for the jobs of one type only (including those enqueued while draining);
   * other jobs stay recorded.
   */
  public int drain(JobType<?> type) {
    Objects.requireNonNull(type, "type");
    return drain(j -> j.is(type));
  }

  /** The runs of every drained job so far, in the order they finished. */
  public List<JobRun> runs() {
    return engine.runs();
  }

  /** The drained jobs whose last attempt failed (recorded in either {@link FailureMode}). */
  public List<JobRun> failures() {
    return engine.failures();
  }

  private int drain(Predicate<EnqueuedJob> which) {
    int ran = 0;
    while (true) {
      if (ran == MAX_DRAINED) {
        synchronized (this) {
          jobs.stream()
              .filter(which)
              .findFirst()
              .ifPresent(
                  next -> {
                    throw new SpoolException(
                        "drain ran "
                            + MAX_DRAINED
                            + " jobs and is still not done: is a job enqueuing itself? Next: "
                            + next);
                  });
        }
      }
      EnqueuedJob job = take(which);
      if (job == null) {
        return ran;
      }
      ran++;
      engine.run(job.id(), job.type(), job.json(), job.retry(), job.enqueuedAt());
    }
  }

  /** Removes and returns the next job to run, or null; fails if its type has no handler. */
  private synchronized EnqueuedJob take(Predicate<EnqueuedJob> which) {
    int next = -1;
    for (int i = 0; i < jobs.size(); i++) {
      EnqueuedJob j = jobs.get(i);
      if (which.test(j) && (next < 0 || j.priority() > jobs.get(next).priority())) {
        next = i;
      }
    }
    if (next < 0) {
      return null;
    }
    engine.requireHandler(jobs.get(next).type());
    return jobs.remove(next);
  }

  @Override
  public synchronized String toString() {
    return "FakeJobs[" + describe(jobs) + "]";
  }
}
