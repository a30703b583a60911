package dev.spool.internal.worker;

import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.SpoolException;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.status.AttemptGuard;
import dev.spool.internal.status.JobLogLines;
import dev.spool.internal.status.StatusFields;
import dev.spool.internal.status.StatusStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A job a node holds, from fetch to acknowledgement; also the {@link JobContext} its handler sees.
 * Its handler either finishes it, or the node takes it from the handler: handed back at shutdown,
 * or abandoned when its lease was lost.
 */
final class RunningJob implements JobContext, BatchPart {
  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int HANDED_BACK = 2;
  private static final int ABANDONED = 3;

  private final FetchedJob job;
  private final String key;
  private final String node;
  private final Clock clock;
  private final StatusStore statuses;

  /** This attempt: the handler's status writes land only while the node still holds it. */
  private final AttemptGuard guard;

  private final Function<JobId, JobStatus> statusLoader;
  private volatile boolean killRequested;
  private volatile boolean deferredToChildBatch;
  private final AtomicInteger state = new AtomicInteger(RUNNING);

  /** What the handler and callbacks put; made at the first put (most jobs put nothing). */
  private Map<String, Object> values;

  /** Whether this job's concurrency slot was given back: at most once, however it ended. */
  private final AtomicBoolean slotReleased = new AtomicBoolean();

  /**
   * The thread running the handler, while it does: set, cleared and interrupted under {@link
   * #binding}, so that an interrupt meant for this job never reaches a pooled thread that has moved
   * on to its next job.
   */
  private volatile Thread thread;

  private final Object binding = new Object();
  private volatile boolean timedOut;
  private volatile Future<?> timeoutTask;

  RunningJob(
      FetchedJob job,
      String node,
      Clock clock,
      StatusStore statuses,
      Function<JobId, JobStatus> statusLoader) {
    this.job = job;
    this.key = job.id().toString();
    this.node = node;
    this.clock = clock;
    this.guard = AttemptGuard.of(node, job);
    this.statuses = statuses;
    this.statusLoader = statusLoader;
  }

  /** A kill was requested: remember it and interrupt the handler. */
  void requestKill() {
    killRequested = true;
    if (state.get() == RUNNING) {
      interruptHandler();
    }
  }

  /**
   * Interrupts the handler's thread if it still runs this job's handler. Under the lock that {@link
   * #unbind} takes: read first and interrupted later, the thread could have ended this handler and
   * started the next job's in between, failing that job instead.
   */
  private void interruptHandler() {
    synchronized (binding) {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  @Override
  public String batchPart() {
    return job.batchPart() == null ? "" : job.batchPart();
  }

  @Override
  public void deferToChildBatch() {
    deferredToChildBatch = true;
  }

  boolean deferredToChildBatch() {
    return deferredToChildBatch;
  }

  @Override
  public boolean isKillRequested() {
    return killRequested;
  }

  /**
   * What the handler put, as the JSON result to store; "" when nothing. Never throws: a value that
   * cannot be written, or a result over {@link #MAX_RESULT_BYTES}, leaves an error in its place
   * (the job's outcome is unchanged: a success still succeeds). Each call writes the values anew.
   */
  String resultJson() {
    Map<String, Object> v = values();
    if (v.isEmpty()) {
      return "";
    }
    String json;
    try {
      json = Json.write(v);
    } catch (SpoolException e) {
      return unwritable(e.getMessage());
    } catch (Throwable e) {
      // A getter of a put value may throw an Error (an AssertionError, a NoClassDefFoundError),
      // which Jackson lets through: it must not reach the acker as if its call had failed.
      return unwritable(e.toString());
    }
    return capped(json);
  }

  /**
   * The largest result stored, in UTF-8 bytes of JSON: 512 KiB, the default limit of a job's
   * arguments ({@link dev.spool.Spool.Builder#DEFAULT_MAX_PAYLOAD_BYTES}). A fixed bound, not the
   * Spool's {@code maxPayloadBytes}, which the worker node is not given. A result is stored on the
   * job's status, and announced to awaiting clients over pub/sub where succeeded jobs are not kept:
   * unbounded, one could outgrow what Redis lets a subscriber buffer.
   */
  static final int MAX_RESULT_BYTES = 512 * 1024;

  /** The result as it is, or an error in its place when it is over {@link #MAX_RESULT_BYTES}. */
  static String capped(String json) {
    // A char is at most 3 UTF-8 bytes: most results are far under the limit and need no count.
    if (json.length() <= MAX_RESULT_BYTES / 3) {
      return json;
    }
    int bytes = json.getBytes(StandardCharsets.UTF_8).length; // as the enqueuer counts arguments
    if (bytes <= MAX_RESULT_BYTES) {
      return json;
    }
    return Json.write(
        Map.of(
            "error",
            "result too large: "
                + bytes
                + " bytes of JSON, over the limit of "
                + MAX_RESULT_BYTES
                + " bytes"));
  }

  private static String unwritable(String why) {
    return Json.write(Map.of("error", "result not writable as JSON: " + why));
  }

  @Override
  public void progress(double fraction) {
    statuses.set(job.id(), guard, StatusFields.PROGRESS, StatusFields.progress(fraction));
  }

  @Override
  public void progress(long done, long total) {
    statuses.set(job.id(), guard, StatusFields.PROGRESS, StatusFields.progress(done, total));
  }

  @Override
  public void addError(Object error) {
    statuses.addError(job.id(), guard, StatusFields.json(error, "error"));
  }

  @Override
  public void save(Object data) {
    statuses.set(job.id(), guard, StatusFields.DATA, StatusFields.json(data, "data"));
  }

  @Override
  public void log(String message) {
    statuses.appendLog(
        job.id(), guard, JobLogLines.encode(clock.instant(), job.attempt(), message));
  }

  @Override
  public JobStatus status() {
    return statusLoader.apply(job.id());
  }

  /** The job's id as text ("queue:number"), made once: the node's maps are keyed by it. */
  String key() {
    return key;
  }

  FetchedJob job() {
    return job;
  }

  /**
   * The thread that will run the handler: a kill, hand-back or abandonment from now on interrupts
   * it. The runner reads {@link #running()} and {@link #isKillRequested()} after this, so one made
   * before is not lost either (each side writes its volatile field, then reads the other's).
   */
  void bind(Thread thread) {
    synchronized (binding) {
      this.thread = thread;
    }
  }

  /**
   * The handler's thread is done with this job: no interrupt for it reaches the thread from now on.
   * The runner then clears an interrupt that came before, and the thread is free for the next.
   */
  void unbind() {
    synchronized (binding) {
      this.thread = null;
    }
  }

  void timeoutTask(Future<?> task) {
    this.timeoutTask = task;
  }

  /** The timeout fired: interrupt the handler, and remember why. */
  void timeOut() {
    timedOut = true;
    if (state.get() == RUNNING) {
      interruptHandler();
    }
  }

  boolean timedOut() {
    return timedOut;
  }

  /** The handler ended; false if the job was handed back or abandoned meanwhile (no outcome). */
  boolean finish() {
    Future<?> task = timeoutTask;
    if (task != null) {
      task.cancel(false);
    }
    return state.compareAndSet(RUNNING, FINISHED);
  }

  /** Takes the job from a handler still running, interrupting it; false if it had finished. */
  boolean handBack() {
    if (!state.compareAndSet(RUNNING, HANDED_BACK)) {
      return false;
    }
    interruptHandler();
    return true;
  }

  /**
   * The node lost the job's lease while its handler ran: its outcome would be refused, so the
   * handler is interrupted and the outcome dropped. False if the handler had finished already.
   */
  boolean abandon() {
    if (!state.compareAndSet(RUNNING, ABANDONED)) {
      return false;
    }
    interruptHandler();
    return true;
  }

  /** True the first time only: the caller then gives the job's slot back. */
  boolean releaseSlot() {
    return slotReleased.compareAndSet(false, true);
  }

  boolean abandoned() {
    return state.get() == ABANDONED;
  }

  boolean running() {
    return state.get() == RUNNING;
  }

  /** Whether its handler ended by itself (the job was neither handed back nor abandoned). */
  boolean finished() {
    return state.get() == FINISHED;
  }

  @Override
  public JobId id() {
    return job.id();
  }

  @Override
  public String type() {
    return job.type();
  }

  @Override
  public int attempt() {
    return job.attempt();
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public Instant enqueuedAt() {
    return Micros.toInstant(job.recordedAtMicros());
  }

  @Override
  public void put(String key, Object value) {
    synchronized (this) {
      if (values == null) {
        values = new LinkedHashMap<>();
      }
      values.put(key, value);
    }
  }

  @Override
  public Optional<Object> get(String key) {
    synchronized (this) {
      return Optional.ofNullable(values == null ? null : values.get(key));
    }
  }

  @Override
  public Map<String, Object> values() {
    synchronized (this) {
      return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
  }

  @Override
  public String toString() {
    return "job " + job.id() + " (" + job.type() + ", attempt " + job.attempt() + ")";
  }
}
