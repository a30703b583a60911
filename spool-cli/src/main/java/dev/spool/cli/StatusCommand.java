package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobId;
import dev.spool.JobLogLine;
import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool status ID}: everything the status of one job holds. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the status of one job: state, attempt, timestamps, progress, errors, data, job"
          + " name, arguments, result, earlier attempts and the lines its handlers logged.",
      "Exit code 1 if there is no such job (never enqueued, or past its retention)."
    })
public final class StatusCommand extends ClientCommand {
  /** Field of a Spool job's stored JSON arguments (see {@link JobStatus#raw()}). */
  static final String ARGS_FIELD = "a";

  /** The stored field of a status's result (JobStatus#result). */
  private static final String RESULT_FIELD = "r";

  /** Stored fields of a status's saved data and its errors (JobStatus#data, JobStatus#errors). */
  private static final String DATA_FIELD = "da";

  private static final String ERRORS_FIELD = "er";

  /** Field of the worker node that runs (or last ran) a Spool job. */
  static final String NODE_FIELD = "w";

  /** Field of a scheduled Spool job's due time, ms since the epoch. */
  static final String DUE_FIELD = "due";

  /** Fields of a Spool job's node affinity: the node it should run on, strictly, or must not. */
  static final String AFFINITY_NODE_FIELD = "an";

  static final String AFFINITY_STRICT_FIELD = "as";
  static final String AFFINITY_NOT_NODE_FIELD = "ax";

  @Parameters(
      index = "0",
      paramLabel = "ID",
      converter = JobIdConverter.class,
      description = "The job's id, queue:number (e.g. default:42).")
  JobId id;

  @Override
  int run(Spool spool) {
    JobStatus s = existing(spool, id);
    List<JobLogLine> log = s.log();
    if (json()) {
      Map<String, Object> doc = new LinkedHashMap<>(document(s));
      List<Object> lines = new ArrayList<>(log.size());
      for (JobLogLine line : log) {
        lines.add(
            JsonOut.object(
                "at", line.at().toString(), "attempt", line.attempt(), "message", line.message()));
      }
      doc.put("log", lines);
      printJson(doc);
    } else {
      out().print(text(s));
      if (!log.isEmpty()) {
        out().println();
        out().println("log:");
        for (JobLogLine line : log) {
          out().println(logLine(line));
        }
      }
    }
    return 0;
  }

  /**
   * One log line as printed: its time, attempt and message, the message's further lines indented
   * under its first so that a stack trace or a multi-line note stays readable as one entry.
   */
  static String logLine(JobLogLine line) {
    String head = "  " + line.at() + "  #" + line.attempt() + "  ";
    return head
        + line.message().replace("\r\n", "\n").replace("\n", "\n" + " ".repeat(head.length()));
  }

  /** The JSON document of a status; also one element of {@code query --json --full}. */
  static Map<String, Object> document(JobStatus s) {
    Map<String, Object> timestamps = new LinkedHashMap<>();
    for (Timestamp t : Timestamp.values()) {
      timestamps.put(name(t), s.timestamp(t).map(Instant::toString).orElse(null));
    }
    List<Object> attempts = new ArrayList<>();
    for (Map<String, Object> a : s.previousAttempts()) {
      attempts.add(readableAttempt(a));
    }
    return JsonOut.object(
        "id", s.id().toString(),
        "queue", s.id().queue(),
        "state", s.state().stored(),
        "attempt", s.attempt(),
        "node", s.raw().get(NODE_FIELD),
        "progress", s.progress(),
        "jobName", s.jobName().orElse(null),
        "args", JsonOut.parseStored(s.raw().get(ARGS_FIELD)),
        "jobArgs", s.jobArgs(),
        // null: none stored
        "result",
            s.raw().containsKey(RESULT_FIELD)
                ? exact(s, RESULT_FIELD, JsonNode::isObject, s.result())
                : null,
        "data", exact(s, DATA_FIELD, n -> !n.isNull(), s.data()),
        "errors", exact(s, ERRORS_FIELD, JsonNode::isArray, s.errors()),
        "killRequested", s.isKillRequested(),
        "dueAt", dueAt(s),
        "affinity", affinity(s),
        "providerJobId", s.providerJobId().orElse(null),
        "timestamps", timestamps,
        "previousAttempts", attempts);
  }

  /**
   * A stored JSON field as it was written, numbers exactly ({@link JobStatus}'s getters read them
   * as doubles: 1e400 became "Infinity"), where it is JSON of the kind the getter reads; else what
   * the getter read.
   */
  private static Object exact(JobStatus s, String field, Predicate<JsonNode> kind, Object read) {
    JsonNode node = JsonOut.parseOrNull(s.raw().get(field));
    return node != null && kind.test(node) ? node : read;
  }

  private String text(JobStatus s) {
    Table t = Table.keyValue();
    t.row("id", s.id());
    t.row("job", s.jobName().orElse(null));
    boolean killPending = s.isKillRequested() && s.state() != State.KILLED;
    t.row("state", s.state().stored() + (killPending ? " (kill requested)" : ""));
    t.row("attempt", s.attempt());
    String node = s.raw().get(NODE_FIELD);
    if (node != null) {
      t.row("node", node);
    }
    String wanted = s.raw().get(AFFINITY_NODE_FIELD);
    String avoided = s.raw().get(AFFINITY_NOT_NODE_FIELD);
    if (wanted != null || avoided != null) {
      t.row("runs on", runsOn(wanted, isStrict(s), avoided));
    }
    t.row("progress", percent(s.progress()));
    for (Timestamp ts : Timestamp.values()) {
      s.timestamp(ts).ifPresent(at -> t.row(name(ts), Times.human(at)));
    }
    Instant due = dueAt(s);
    if (due != null) {
      t.row("due_at", Times.human(due));
    }
    String args = s.raw().get(ARGS_FIELD);
    if (args != null) {
      t.row("args", clip(args));
    }
    if (!s.jobArgs().isEmpty()) {
      t.row("job args", clip(JsonOut.compact(s.jobArgs())));
    }
    if (!s.result().isEmpty()) {
      t.row("result", clip(JsonOut.compact(s.result())));
    }
    if (s.data() != null) {
      t.row("data", clip(JsonOut.compact(s.data())));
    }
    s.providerJobId().ifPresent(p -> t.row("provider id", p));
    List<Object> errors = s.errors();
    if (errors.isEmpty()) {
      t.row("errors", "none");
    }
    for (int i = 0; i < errors.size(); i++) {
      t.row(i == 0 ? "errors" : "", (i + 1) + ". " + describeError(errors.get(i)));
    }
    StringBuilder b = new StringBuilder(t.render());
    List<Map<String, Object>> previous = s.previousAttempts();
    if (!previous.isEmpty()) {
      Table p = Table.of("attempt", "state", "started at", "ended at", "last error").alignRight(0);
      for (Map<String, Object> a : previous) {
        p.row(
            a.get("attempt"),
            a.get("state"),
            Times.human(micros(a.get("started_at"))),
            Times.human(micros(a.get("ended_at"))),
            lastError(a.get("errors")));
      }
      b.append(System.lineSeparator()).append("previous attempts:").append(System.lineSeparator());
      b.append(p.render(2));
    }
    return b.toString();
  }

  /** The most of one value the text view shows; --json shows all of it. */
  static final int CLIP_CHARS = 2_000;

  /** A long value cut for the text view, saying how much was left out and where to see it. */
  static String clip(String value) {
    if (value.length() <= CLIP_CHARS) {
      return value;
    }
    return value.substring(0, CLIP_CHARS)
        + "… ("
        + (value.length() - CLIP_CHARS)
        + " more characters; --json shows all)";
  }

  /** The node affinity a job was enqueued with, or null if none. */
  static Map<String, Object> affinity(JobStatus s) {
    String wanted = s.raw().get(AFFINITY_NODE_FIELD);
    String avoided = s.raw().get(AFFINITY_NOT_NODE_FIELD);
    if (wanted == null && avoided == null) {
      return null;
    }
    return JsonOut.object("node", wanted, "strict", isStrict(s), "notNode", avoided);
  }

  /** A node affinity in words: a node (strict or not), a node to avoid, or both. */
  static String runsOn(String wanted, boolean strict, String avoided) {
    if (wanted == null) {
      return "any node but " + avoided;
    }
    if (strict) {
      return wanted + " only (strict)";
    }
    return wanted
        + (avoided == null
            ? " (or another if it is down)"
            : " (or another but " + avoided + " if it is down)");
  }

  private static boolean isStrict(JobStatus s) {
    return "1".equals(s.raw().get(AFFINITY_STRICT_FIELD));
  }

  /** When a scheduled Spool job (delayed, or waiting for a retry) is due; null otherwise. */
  static Instant dueAt(JobStatus s) {
    String due = s.raw().get(DUE_FIELD);
    if (s.state() != State.SCHEDULED || due == null || !due.matches("\\d+")) {
      return null;
    }
    return Instant.ofEpochMilli(Long.parseLong(due));
  }

  /** The name of a timestamp as users write it: {@code started_at}. */
  static String name(Timestamp t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  static String percent(double fraction) {
    double pct = fraction * 100;
    return pct == Math.rint(pct)
        ? String.format(Locale.ROOT, "%.0f%%", pct)
        : String.format(Locale.ROOT, "%.1f%%", pct);
  }

  /**
   * An error for one line: "type: message (attempt n on node, at t)" for an error the engine
   * recorded, else its JSON.
   */
  static String describeError(Object error) {
    if (error instanceof Map<?, ?> m && m.get("message") != null) {
      StringBuilder b = new StringBuilder();
      if (m.get("type") != null) {
        b.append(m.get("type")).append(": ");
      }
      b.append(m.get("message"));
      List<String> where = new ArrayList<>();
      if (m.get("attempt") != null) {
        where.add("attempt " + m.get("attempt"));
      }
      if (m.get("node") != null) {
        where.add("on " + m.get("node"));
      }
      if (m.get("at") != null) {
        where.add("at " + m.get("at"));
      }
      if (!where.isEmpty()) {
        b.append(" (").append(String.join(" ", where)).append(')');
      }
      return clip(b.toString());
    }
    return clip(JsonOut.compact(error));
  }

  private static String lastError(Object errors) {
    return errors instanceof List<?> l && !l.isEmpty() ? shortError(l.getLast()) : null;
  }

  /** An error in a few words, for a table cell: "type: message", or its JSON; cut at 80. */
  static String shortError(Object error) {
    if (error == null) {
      return null;
    }
    if (error instanceof Map<?, ?> m && m.get("message") != null) {
      return Table.truncate(
          (m.get("type") == null ? "" : m.get("type") + ": ") + m.get("message"), 80);
    }
    return Table.truncate(error instanceof String str ? str : JsonOut.compact(error), 80);
  }

  /** The fields of a previous attempt, always all present (stable names for scripts). */
  private static final List<String> ATTEMPT_FIELDS =
      List.of(
          "attempt",
          "state",
          "queued_at",
          "started_at",
          "ended_at",
          "succeeded_at",
          "failed_at",
          "killed_at",
          "progress",
          "errors");

  /**
   * A previous attempt with its µs timestamps as ISO-8601 strings. Fields the attempt did not have
   * are null, and errors always a list.
   */
  private static Map<String, Object> readableAttempt(Map<String, Object> attempt) {
    Map<String, Object> out = new LinkedHashMap<>();
    ATTEMPT_FIELDS.forEach(k -> out.put(k, k.equals("errors") ? List.of() : null));
    attempt.forEach(
        (k, v) -> {
          Object value = Boolean.FALSE.equals(v) ? null : v;
          if (k.endsWith("_at")) {
            Instant t = micros(value);
            value = t == null ? null : t.toString();
          } else if (k.equals("errors") && !(value instanceof List<?>)) {
            value = List.of();
          } else if (k.equals("progress")) {
            value = fraction(value); // a number, as the status's own progress is
          }
          out.put(k, value);
        });
    return out;
  }

  /** A progress as a number, or null when it is none (stored as a string in older attempts). */
  private static Double fraction(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String str) {
      try {
        double d = Double.parseDouble(str);
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Instant micros(Object value) {
    long us;
    if (value instanceof Number n) {
      us = n.longValue();
    } else if (value instanceof String str && str.matches("\\d+")) {
      us = Long.parseLong(str);
    } else {
      return null;
    }
    return Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1000);
  }
}
