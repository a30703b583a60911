package dev.spool.testkit;

import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link JobContext} of one attempt in the testing modes: everything is kept in memory. */
final class TestJobContext implements JobContext {
  /** What a worker keeps on the job's status, shared by the attempts of one job. */
  static final class Recorded {
    private Double progress; // guarded by this
    private final List<Object> errors = new ArrayList<>(); // guarded by this
    private Object data; // guarded by this
    private final List<String> log = new ArrayList<>(); // guarded by this

    synchronized Double progress() {
      return progress;
    }

    synchronized List<Object> errors() {
      return Collections.unmodifiableList(new ArrayList<>(errors));
    }

    synchronized Object data() {
      return data;
    }

    synchronized List<String> log() {
      return List.copyOf(log);
    }
  }

  private final JobId id;
  private final String type;
  private final int attempt;
  private final String node;
  private final Instant enqueuedAt;
  private final Recorded recorded;
  private final Map<String, Object> values = Collections.synchronizedMap(new LinkedHashMap<>());

  TestJobContext(
      JobId id, String type, int attempt, String node, Instant enqueuedAt, Recorded recorded) {
    this.id = id;
    this.type = type;
    this.attempt = attempt;
    this.node = node;
    this.enqueuedAt = enqueuedAt;
    this.recorded = recorded;
  }

  @Override
  public JobId id() {
    return id;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public String node() {
    return node;
  }

  @Override
  public Instant enqueuedAt() {
    return enqueuedAt;
  }

  @Override
  public void progress(double fraction) {
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException("progress must be in [0, 1], got " + fraction);
    }
    synchronized (recorded) {
      recorded.progress = fraction;
    }
  }

  @Override
  public void progress(long done, long total) {
    if (total <= 0 || done < 0 || done > total) {
      throw new IllegalArgumentException(
          "progress must be n of m with 0 <= n <= m and m > 0, got " + done + " of " + total);
    }
    progress((double) done / total);
  }

  @Override
  public void addError(Object error) {
    Object value = Args.jsonValue(error, "error");
    synchronized (recorded) {
      recorded.errors.add(value);
    }
  }

  @Override
  public void save(Object data) {
    Object value = Args.jsonValue(data, "data");
    synchronized (recorded) {
      recorded.data = value;
    }
  }

  @Override
  public void log(String message) {
    synchronized (recorded) {
      recorded.log.add(String.valueOf(message));
    }
  }

  /** Always false: nothing can request a kill in the testing modes. */
  @Override
  public boolean isKillRequested() {
    return false;
  }

  /** Not available: job statuses live in Redis, and the testing modes have none. */
  @Override
  public JobStatus status() {
    throw new UnsupportedOperationException(
        "JobContext.status() needs Redis: the inline and fake testing modes keep no job statuses."
            + " Read progress, errors, data and values from runs() instead, or test against a"
            + " real Spool with SpoolRedis");
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
    return "job " + id + " (" + type + ", attempt " + attempt + ", node " + node + ")";
  }
}
