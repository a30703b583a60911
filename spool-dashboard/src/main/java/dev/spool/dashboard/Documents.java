package dev.spool.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.DeadJob;
import dev.spool.JobLogLine;
import dev.spool.JobLogPage;
import dev.spool.JobStatus;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.QueueSettings;
import dev.spool.RecurringJob;
import dev.spool.State;
import dev.spool.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON documents of the API, built from the public API's types. */
final class Documents {
  /** Fields of a Spool job's status the public API exposes only through {@link JobStatus#raw}. */
  static final String ARGS_FIELD = "a";

  static final String JOB_ARGS_FIELD = "ja"; // Statuses' job args labels (jobba), JSON

  static final String NODE_FIELD = "w";
  static final String DUE_FIELD = "due";
  static final String OPTIONS_FIELD = "o";
  static final String PRIORITY_FIELD = "p";
  static final String BATCH_PART_FIELD = "bt";

  /** Characters of a job's arguments shown in a list; the job page shows them all. */
  static final int ARGS_PREVIEW_CHARS = 200;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Documents() {}

  static Map<String, Object> object(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  static String write(Object document) {
    try {
      return MAPPER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Stored JSON as a value; text that does not parse stays text. */
  static Object parseStored(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  static String stampName(Timestamp t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  static Map<String, Object> queue(QueueCounts c, QueueSettings settings) {
    return object(
        "queue", c.queue(),
        "ready", c.ready(),
        "delayed", c.delayed(),
        "processing", c.processing(),
        "completed", c.completed(),
        "dead", c.dead(),
        "latencyMs", c.latency().toMillis(),
        "paused", settings.paused(),
        "concurrencyLimit",
            settings.concurrencyLimit().isPresent() ? settings.concurrencyLimit().getAsInt() : null,
        "rateLimit",
            settings
                .rateLimit()
                .map(r -> object("max", r.max(), "perMillis", r.per().toMillis()))
                .orElse(null));
  }

  /**
   * A node as the overview shows it, {@code jobs} being those it holds now. Its busy count is their
   * number, from the same read: the count its last heartbeat wrote lags it by up to a heartbeat (a
   * quarter of the lease), and showed "busy 0" beside two running jobs for seconds. A dead node
   * runs nothing: its busy count is 0 (its last heartbeat's count would show it full), and it has
   * no jobs.
   */
  static Map<String, Object> node(NodeInfo n, List<String> jobs) {
    return object(
        "name", n.name(),
        "host", n.host(),
        "pid", n.pid(),
        "queues", n.queues(),
        "concurrency", n.concurrency(),
        "busy", n.alive() ? jobs.size() : 0,
        "startedAt", time(n.startedAt()),
        "lastHeartbeat", time(n.lastHeartbeat()),
        "alive", n.alive(),
        "quiet", n.alive() && n.quiet(),
        "jobs", jobs);
  }

  /** A status in a list: enough to find it, with its arguments cut short. */
  static Map<String, Object> jobSummary(JobStatus s) {
    String args = s.raw().get(ARGS_FIELD);
    if (args == null && !"{}".equals(s.raw().get(JOB_ARGS_FIELD))) {
      // The job args labels as stored (JSON), which a clipped status may hold cut short.
      args = s.raw().get(JOB_ARGS_FIELD);
    }
    List<Object> errors = s.errors();
    return object(
        "id", s.id().toString(),
        "queue", s.id().queue(),
        "state", s.state().stored(),
        "name", s.jobName().orElse(null),
        "attempt", s.attempt(),
        "progress", s.progress(),
        "node", s.raw().get(NODE_FIELD),
        "killRequested", s.isKillRequested() && s.state() != State.KILLED,
        "args", args == null ? null : clip(args, ARGS_PREVIEW_CHARS),
        "lastError", errors.isEmpty() ? null : shortError(errors.getLast()),
        "recordedAt", time(s.timestamp(Timestamp.RECORDED_AT).orElse(null)),
        "updatedAt", time(lastTimestamp(s)));
  }

  /** Everything a status holds. */
  static Map<String, Object> jobDetail(JobStatus s) {
    Map<String, Object> timestamps = new LinkedHashMap<>();
    for (Timestamp t : Timestamp.values()) {
      timestamps.put(stampName(t), time(s.timestamp(t).orElse(null)));
    }
    Map<String, String> raw = s.raw();
    Map<String, Object> doc = jobSummary(s);
    doc.put("args", parseStored(raw.get(ARGS_FIELD)));
    doc.put("jobArgs", s.jobArgs());
    doc.put("options", parseStored(raw.get(OPTIONS_FIELD)));
    doc.put("priority", raw.get(PRIORITY_FIELD));
    doc.put("dueAt", dueAt(s));
    doc.put("data", s.data());
    doc.put("result", s.result());
    doc.put("errors", s.errors());
    doc.put("previousAttempts", s.previousAttempts().stream().map(Documents::attempt).toList());
    doc.put("uniqueLock", s.uniqueLock().orElse(null));
    doc.put("batch", batch(raw.get(BATCH_PART_FIELD)));
    doc.put("affinity", affinity(raw));
    doc.put("providerJobId", s.providerJobId().orElse(null));
    doc.put("timestamps", timestamps);
    doc.put("actions", actions(s));
    return doc;
  }

  /** A stretch of a job's log: {@code next} is the position to ask from for newer lines. */
  static Map<String, Object> log(JobLogPage page) {
    return object(
        "from", page.from(),
        "next", page.next(),
        "added", page.added(),
        "lines", page.lines().stream().map(Documents::logLine).toList());
  }

  /** A line of a job's log. */
  static Map<String, Object> logLine(JobLogLine line) {
    return object("at", time(line.at()), "attempt", line.attempt(), "message", line.message());
  }

  /** What can be done to a job in its state; the UI offers these buttons. */
  static List<String> actions(JobStatus s) {
    List<String> actions = new ArrayList<>();
    State state = s.state();
    // A killed job runs again as a dead one does; a killed batch part does not (its batch counted
    // it as failed already: DeadJobs.retry).
    if (state == State.FAILED || (state == State.KILLED && !s.raw().containsKey("bt"))) {
      actions.add("retry");
    }
    if (state == State.SCHEDULED) {
      actions.add("run-now");
    }
    if (state == State.QUEUED || state == State.SCHEDULED) {
      actions.add("cancel");
    }
    if (state == State.STARTED && !s.isKillRequested()) {
      actions.add("kill");
    }
    if (s.isCompleted() || state == State.KILLED) {
      actions.add("delete");
    }
    return actions;
  }

  private static Instant lastTimestamp(JobStatus s) {
    Instant last = null;
    for (Timestamp t : Timestamp.values()) {
      Instant at = s.timestamp(t).orElse(null);
      if (at != null && (last == null || at.isAfter(last))) {
        last = at;
      }
    }
    return last;
  }

  private static String dueAt(JobStatus s) {
    String due = s.raw().get(DUE_FIELD);
    if (s.state() != State.SCHEDULED || due == null || !due.matches("\\d{1,18}")) {
      return null;
    }
    return Instant.ofEpochMilli(Long.parseLong(due)).toString();
  }

  /** A batch part as stored, "queue|token|part", as the batch's id and the part. */
  private static Map<String, Object> batch(String part) {
    if (part == null) {
      return null;
    }
    String[] p = part.split("\\|", 3);
    if (p.length < 3) {
      return object("raw", part);
    }
    return object("id", p[0] + ":" + p[1], "part", p[2]);
  }

  private static Map<String, Object> affinity(Map<String, String> raw) {
    String wanted = raw.get("an");
    String avoided = raw.get("ax");
    if (wanted == null && avoided == null) {
      return null;
    }
    return object("node", wanted, "strict", "1".equals(raw.get("as")), "notNode", avoided);
  }

  static String shortError(Object error) {
    if (error instanceof Map<?, ?> m && m.get("message") != null) {
      Object type = m.get("type");
      return clip((type == null ? "" : type + ": ") + m.get("message"), ARGS_PREVIEW_CHARS);
    }
    return clip(error instanceof String str ? str : write(error), ARGS_PREVIEW_CHARS);
  }

  static Map<String, Object> dead(DeadJob j) {
    return object(
        "id", j.id().toString(),
        "queue", j.id().queue(),
        "type", j.type(),
        "attempt", j.attempt(),
        "diedAt", time(j.diedAt()),
        "args", j.args() == null ? null : clip(j.args(), ARGS_PREVIEW_CHARS),
        "error", j.error() == null ? null : shortError(parseStored(j.error())));
  }

  static Map<String, Object> recurring(RecurringJob r) {
    return object(
        "name", r.name(),
        "queue", r.queue(),
        "schedule", r.scheduleText(),
        "type", r.type(),
        "args", r.args() == null ? null : clip(r.args(), ARGS_PREVIEW_CHARS),
        "lastRun", time(r.lastRun().orElse(null)),
        "nextRun", time(r.nextRun()),
        "node", r.node().orElse(null),
        "strictNode", r.strictNode(),
        "notNode", r.notNode().orElse(null),
        "priority", r.priority());
  }

  static String clip(String s, int max) {
    return Clipping.clip(s, max);
  }

  /**
   * A previous attempt with its times as ISO-8601 like every other time of the API; the status
   * stores them as epoch microseconds.
   */
  static Map<String, Object> attempt(Map<String, Object> stored) {
    Map<String, Object> doc = new LinkedHashMap<>(stored);
    for (Map.Entry<String, Object> e : doc.entrySet()) {
      if (e.getKey().endsWith("_at")) {
        e.setValue(microsToIso(e.getValue()));
      }
    }
    return doc;
  }

  /** Epoch microseconds (a number, or digits in a string) as ISO-8601; anything else as it is. */
  private static Object microsToIso(Object value) {
    String digits = value == null ? "" : value.toString();
    if (!digits.matches("\\d{1,18}")) {
      return value;
    }
    long micros = Long.parseLong(digits);
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000).toString();
  }
}
