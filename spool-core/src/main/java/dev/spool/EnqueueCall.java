package dev.spool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One enqueue call, as seen by {@link JobInterceptor#aroundEnqueue}: where the jobs go, how many,
 * and the headers to store with each of them. Headers (a W3C {@code traceparent}, a tenant) are
 * stored with the jobs' options and handed to {@link JobInterceptor#aroundRun} on the worker.
 */
public final class EnqueueCall {
  /** At most this many headers per call, so that stored options stay small. */
  public static final int MAX_HEADERS = 16;

  private final String queue;
  private final String type;
  private final int jobs;
  private final Map<String, String> headers = new LinkedHashMap<>();

  /**
   * @param queue the queue, or null when the call enqueues to several
   * @param type the job type's name, or null when the call enqueues several types
   */
  public EnqueueCall(String queue, String type, int jobs) {
    this.queue = queue;
    this.type = type;
    this.jobs = jobs;
  }

  /** The queue; null when the call enqueues to several queues. */
  public String queue() {
    return queue;
  }

  /** The job type's name; null when the call enqueues several types. */
  public String type() {
    return type;
  }

  /** How many jobs the call enqueues. */
  public int jobs() {
    return jobs;
  }

  /** Stores {@code value} under {@code key} with every job of this call. */
  public EnqueueCall header(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (!headers.containsKey(key) && headers.size() == MAX_HEADERS) {
      throw new IllegalStateException("at most " + MAX_HEADERS + " headers per enqueue");
    }
    headers.put(key, value);
    return this;
  }

  /** The headers set so far. */
  public Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }
}
