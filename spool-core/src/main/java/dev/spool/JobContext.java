package dev.spool;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a running handler knows about its job, and where it leaves values for later steps. */
public interface JobContext {
  JobId id();

  /** The stored name of the job's type. */
  String type();

  /** Zero-based: 0 on the first run, 1 on the first retry or recovery, … */
  int attempt();

  /** The name of the worker node running the job. */
  String node();

  /** When the job was enqueued (µs precision). */
  Instant enqueuedAt();

  /** Keeps a value under a key for the rest of this run. */
  void put(String key, Object value);

  Optional<Object> get(String key);

  /** Everything {@link #put} so far, in insertion order. */
  Map<String, Object> values();
}
