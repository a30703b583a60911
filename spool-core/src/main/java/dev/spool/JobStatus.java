package dev.spool;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.status.AttemptGuard;
import dev.spool.internal.status.JobLogLines;
import dev.spool.internal.status.StatusFields;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status of one job, as last loaded ({@link #reload()} refreshes it). Setters write to Redis at
 * once, each in one atomic step, and refresh this view. Safe to change from several processes:
 * every change is a single script, unlike jobba's "write from one" rule. The state of a job Spool
 * runs follows its runs: the state changes ({@link #started()} and the others) are for work run
 * elsewhere, and throw {@link IllegalStateException} for a Spool job.
 */
public final class JobStatus {
  private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<Map<String, Object>>> ATTEMPTS = new TypeReference<>() {};

  private final StatusStore store;
  private final Clock clock;
  private final JobId id;
  private Map<String, String> fields;

  JobStatus(StatusStore store, Clock clock, JobId id, Map<String, String> fields) {
    this.store = store;
    this.clock = clock;
    this.id = id;
    this.fields = fields;
  }

  public JobId id() {
    return id;
  }

  /** The state; {@link State#UNKNOWN} when no status exists (any more). */
  public State state() {
    return State.fromStored(fields.get("s"));
  }

  public boolean isCompleted() {
    return State.COMPLETED.members().contains(state());
  }

  public boolean isIncomplete() {
    return State.INCOMPLETE.members().contains(state());
  }

  /** Zero-based: restarts (and engine retries) count up. 0 when the stored one is corrupt. */
  public int attempt() {
    String n = fields.get("n");
    try {
      return n == null ? 0 : Integer.parseInt(n);
    } catch (NumberFormatException e) {
      return 0; // shown raw by raw(); a corrupt field must not break a listing
    }
  }

  /** A fraction in [0, 1]; 0 when none was set (or the stored one is corrupt). */
  public double progress() {
    String p = fields.get(StatusFields.PROGRESS);
    try {
      return p == null ? 0.0 : Double.parseDouble(p);
    } catch (NumberFormatException e) {
      return 0.0;
    }
  }

  /** The errors added so far, in order, as JSON values (maps, lists, strings, numbers, …). */
  public List<Object> errors() {
    return read(StatusFields.ERRORS, LIST, List.of());
  }

  /** The saved data, as a JSON value; null if none. */
  public Object data() {
    return read(StatusFields.DATA, new TypeReference<Object>() {}, null);
  }

  /** The job name: as set, or for a Spool job its type's name. */
  public Optional<String> jobName() {
    return Optional.ofNullable(fields.getOrDefault(StatusFields.JOB_NAME, fields.get("t")));
  }

  public Map<String, String> jobArgs() {
    return read(StatusFields.JOB_ARGS, STRING_MAP, Map.of());
  }

  public Optional<String> providerJobId() {
    return Optional.ofNullable(fields.get(StatusFields.PROVIDER_JOB_ID));
  }

  /** When the status first entered the timestamp's state, µs precision; empty if corrupt. */
  public Optional<Instant> timestamp(Timestamp timestamp) {
    String t = fields.get(timestamp.field());
    try {
      return t == null ? Optional.empty() : Optional.of(Micros.toInstant(Long.parseLong(t)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public boolean isKillRequested() {
    return fields.containsKey(Timestamp.KILL_REQUESTED_AT.field());
  }

  /**
   * The attempts before the current one, oldest first. Each is a map with "attempt", "state" and
   * what was known of it: "queued_at", "started_at", "ended_at", "succeeded_at", "failed_at",
   * "killed_at" (µs), "progress", "errors".
   */
  public List<Map<String, Object>> previousAttempts() {
    List<Map<String, Object>> attempts = read("pa", ATTEMPTS, List.of());
    List<Map<String, Object>> out = new java.util.ArrayList<>(attempts.size());
    for (Map<String, Object> a : attempts) {
      if (a == null) {
        continue; // an entry written by hand as null is no attempt
      }
      Map<String, Object> copy = new LinkedHashMap<>(a);
      copy.putIfAbsent("errors", List.of()); // stored only when there were some
      out.add(Collections.unmodifiableMap(copy));
    }
    return List.copyOf(out);
  }

  /**
   * The job's log, oldest first: the lines its handlers added with {@link JobContext#log(String)},
   * at most {@link JobLogLine#MAX_LINES}. Read from Redis on each call (the rest of a status is
   * read when it is loaded); empty for a job that logged nothing.
   */
  public List<JobLogLine> log() {
    return store.log(id).stream().map(JobLogLines::decode).toList();
  }

  /**
   * What the handler put into its context ({@code JobContext.put}), once the job succeeded; for a
   * job that died or was killed, what its last attempt put.
   */
  public Map<String, Object> result() {
    return read("r", new TypeReference<Map<String, Object>>() {}, Map.of());
  }

  /** The unique lock the job holds or waits for ({@code kind|conflict|ttl|reschedule|digest}). */
  public Optional<String> uniqueLock() {
    return Optional.ofNullable(fields.get("u"));
  }

  /** Everything stored, field by field, for tools that show raw state. */
  public Map<String, String> raw() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  // ---- state changes --------------------------------------------------------------------

  public JobStatus unqueued() {
    return enter(State.UNQUEUED);
  }

  public JobStatus queued() {
    return enter(State.QUEUED);
  }

  /** Enters started; a second start is a restart that archives the current attempt. */
  public JobStatus started() {
    return enter(State.STARTED);
  }

  public JobStatus succeeded() {
    return enter(State.SUCCEEDED);
  }

  public JobStatus failed() {
    return enter(State.FAILED);
  }

  public JobStatus killed() {
    return enter(State.KILLED);
  }

  private JobStatus enter(State state) {
    long attempt = store.setState(id, state.stored(), Micros.now(clock));
    if (attempt == -2) {
      throw new IllegalStateException(
          "job "
              + id
              + " is run by Spool: its state follows its runs and cannot be set by hand; a handler"
              + " ends it by returning or throwing, and requestKill() or Spool.cancel(id) from"
              + " outside");
    }
    if (attempt < 0) {
      throw missing();
    }
    return reload();
  }

  // ---- values ---------------------------------------------------------------------------

  /**
   * @throws IllegalArgumentException if not in [0, 1]
   */
  public JobStatus progress(double fraction) {
    return set(StatusFields.PROGRESS, StatusFields.progress(fraction));
  }

  /** Progress as n of m; @throws IllegalArgumentException if n &gt; m or m &lt;= 0 */
  public JobStatus progress(long done, long total) {
    return set(StatusFields.PROGRESS, StatusFields.progress(done, total));
  }

  /** Appends an error; anything JSON can hold. */
  public JobStatus addError(Object error) {
    if (!store.addError(id, AttemptGuard.NONE, StatusFields.json(error, "error"))) {
      throw missing();
    }
    return reload();
  }

  /** Saves job-specific data; anything JSON can hold. */
  public JobStatus save(Object data) {
    return set(StatusFields.DATA, StatusFields.json(data, "data"));
  }

  public JobStatus providerJobId(String providerJobId) {
    return set(StatusFields.PROVIDER_JOB_ID, String.valueOf(providerJobId));
  }

  /** Names the job, for {@code jobName} queries. */
  public JobStatus jobName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("job name must not be empty");
    }
    return label(StatusFields.JOB_NAME, name);
  }

  /** The job's arguments by name, for {@code jobArg} queries (which match the values). */
  public JobStatus jobArgs(Map<String, String> args) {
    return label(StatusFields.JOB_ARGS, StatusFields.json(args, "job args"));
  }

  private JobStatus set(String field, String value) {
    if (!store.set(id, AttemptGuard.NONE, field, value)) {
      throw missing();
    }
    return reload();
  }

  private JobStatus label(String field, String value) {
    if (!store.label(id, field, value)) {
      throw missing();
    }
    return reload();
  }

  // ---- kill, reload, delete -------------------------------------------------------------

  /**
   * Asks for the job to be killed: a queued or delayed Spool job is removed and killed at once; a
   * running one is interrupted on its node and becomes killed when its handler stops; for other
   * work, the request is recorded for it to see through {@link #isKillRequested()}.
   */
  public JobStatus requestKill() {
    int r = store.requestKill(id, Micros.now(clock));
    if (r == 0) {
      throw missing();
    }
    return reload();
  }

  /** Reads the status again from Redis. */
  public JobStatus reload() {
    fields = store.load(id);
    return this;
  }

  /**
   * Deletes the status and its index entries.
   *
   * @throws StatusIncompleteException if it is not completed (succeeded or failed)
   */
  public void delete() {
    long[] r = store.delete(id.queue(), List.of(id.number()), false, Micros.now(clock));
    if (r[1] > 0) {
      reload();
      throw new StatusIncompleteException(id, state());
    }
    fields = Map.of();
  }

  /** Deletes the status and its index entries whatever its state; a queued job is dropped. */
  public void forceDelete() {
    store.delete(id.queue(), List.of(id.number()), true, Micros.now(clock));
    fields = Map.of();
  }

  private SpoolException missing() {
    return new SpoolException("no status '" + id + "' (never created, deleted, or expired)");
  }

  private <T> T read(String field, TypeReference<T> type, T absent) {
    String json = fields.get(field);
    if (json == null) {
      return absent;
    }
    try {
      T value = Json.mapper().readValue(json, type);
      return value == null ? absent : value; // JSON's null, written by hand: nothing stored
    } catch (java.io.IOException e) {
      // Show what can be shown: a corrupt field reads as absent, raw() still has its text.
      return absent;
    }
  }

  @Override
  public String toString() {
    return "JobStatus[" + id + " " + state().stored() + ", attempt " + attempt() + "]";
  }
}
