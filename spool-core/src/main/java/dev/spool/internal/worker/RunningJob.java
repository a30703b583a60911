package dev.spool.internal.worker;

import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job a node holds, from fetch to acknowledgement; also the {@link JobContext} its handler sees.
 * Its handler either finishes it or the node hands it back at shutdown, never both.
 */
final class RunningJob implements JobContext {
  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int HANDED_BACK = 2;

  private final FetchedJob job;
  private final String node;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final Map<String, Object> values = Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile Thread thread;
  private volatile boolean timedOut;
  private volatile Future<?> timeoutTask;

  RunningJob(FetchedJob job, String node) {
    this.job = job;
    this.node = node;
  }

  FetchedJob job() {
    return job;
  }

  void bind(Thread thread) {
    this.thread = thread;
  }

  void timeoutTask(Future<?> task) {
    this.timeoutTask = task;
  }

  /** The timeout fired: interrupt the handler, and remember why. */
  void timeOut() {
    timedOut = true;
    Thread t = thread;
    if (t != null && state.get() == RUNNING) {
      t.interrupt();
    }
  }

  boolean timedOut() {
    return timedOut;
  }

  /** The handler ended; false if the job was handed back meanwhile (its outcome is void). */
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
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
    return true;
  }

  boolean running() {
    return state.get() == RUNNING;
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
    values.put(key, value);
  }

  @Override
  public Optional<Object> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  @Override
  public Map<String, Object> values() {
    synchronized (values) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
  }

  @Override
  public String toString() {
    return "job " + job.id() + " (" + job.type() + ", attempt " + job.attempt() + ")";
  }
}
