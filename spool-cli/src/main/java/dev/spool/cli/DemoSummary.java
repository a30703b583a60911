package dev.spool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code spool demo} did, per queue and in total. Every enqueued job is in exactly one column
 * of succeeded, dead, killed, cancelled or pending; {@link Row#unaccounted()} is what is left over,
 * and is 0 unless a job went missing. Rejected jobs (refused by a unique lock) were never enqueued:
 * they are counted beside, not in the check.
 *
 * @param redis the Redis URI, without its password
 * @param ownRedis whether that is the redis-server started for the demo, gone when it ends
 * @param fromRedis whether succeeded, dead, killed, pending and the jobs the engine enqueued were
 *     read from Redis (else: as this process saw them, because Redis was gone by the end)
 * @param interrupted whether a stop (Ctrl-C or SIGTERM) ended the demo early
 * @param enqueueSeconds how long jobs were enqueued
 * @param totalSeconds from the first wave until the queues were drained (or the drain gave up)
 * @param urgentWaitMs average wait in the queue of urgent images, -1 if none ran
 * @param otherWaitMs average wait in the queue of the other images, -1 if none ran
 */
record DemoSummary(
    String redis,
    boolean ownRedis,
    String namespace,
    boolean fromRedis,
    boolean interrupted,
    double enqueueSeconds,
    double totalSeconds,
    List<Row> rows,
    long urgentJobs,
    long urgentWaitMs,
    long otherWaitMs,
    Tour tour) {

  /** One queue's jobs by where they ended up; {@code rejected} were never enqueued. */
  record Row(
      String queue,
      long enqueued,
      long succeeded,
      long retried,
      long dead,
      long killed,
      long cancelled,
      long pending,
      long rejected) {
    long unaccounted() {
      return enqueued - succeeded - dead - killed - cancelled - pending;
    }

    Row plus(Row o) {
      return new Row(
          "total",
          enqueued + o.enqueued,
          succeeded + o.succeeded,
          retried + o.retried,
          dead + o.dead,
          killed + o.killed,
          cancelled + o.cancelled,
          pending + o.pending,
          rejected + o.rejected);
    }
  }

  /** The parts of the tour beyond plain jobs: the batch, the recurring job, unique jobs, a kill. */
  record Tour(Batch batch, Recurring recurring, Unique unique, Kill kill) {}

  /**
   * @param id the batch's id, null if it was not submitted
   * @param seconds from the submit to the on-complete job's first run, -1 if it has not run
   */
  record Batch(
      String id,
      long parts,
      long succeeded,
      long failed,
      boolean finished,
      long onCompleteRuns,
      double seconds) {}

  /**
   * @param runs ticks whose job ran
   */
  record Recurring(String name, String type, String every, long runs) {}

  /**
   * @param accepted requests enqueued: one at a time, each after the previous one ran
   * @param rejected requests refused because one was queued or running
   */
  record Unique(String type, String account, long accepted, long rejected) {}

  /**
   * @param id the long job, null if not enqueued
   * @param state its state at the end
   * @param ranMs how long it ran before the kill request, -1 if none was made
   * @param stopMs from the request until it was killed, -1 if not seen
   */
  record Kill(String id, String type, String state, long ranMs, long stopMs) {}

  Row total() {
    return rows.stream().reduce(new Row("total", 0, 0, 0, 0, 0, 0, 0, 0), Row::plus);
  }

  /** Succeeded jobs per second, over {@link #totalSeconds}. */
  double throughput() {
    return totalSeconds <= 0 ? 0 : total().succeeded() / totalSeconds;
  }

  /** The summary as a table, for people. */
  String table() {
    StringBuilder b = new StringBuilder();
    Row total = total();
    b.append(
        String.format(
            Locale.ROOT,
            "Summary: %s of enqueueing, %s in all%s%n",
            seconds(enqueueSeconds),
            seconds(totalSeconds),
            interrupted ? " (stopped early, by Ctrl-C or SIGTERM)" : ""));
    String format = "  %-10s %8s %9s %7s %5s %6s %9s %7s  | %8s%n";
    b.append(
        String.format(
            Locale.ROOT,
            format,
            "queue",
            "enqueued",
            "succeeded",
            "retried",
            "dead",
            "killed",
            "cancelled",
            "pending",
            "rejected"));
    for (Row r : rows) {
      appendRow(b, format, r);
    }
    b.append("  ").append("-".repeat(82)).append(System.lineSeparator());
    appendRow(b, format, total);
    b.append(System.lineSeparator());
    b.append(
        String.format(
            Locale.ROOT,
            "  throughput  %.1f jobs/s (%d in %s: the demo's pace, not a benchmark)%n",
            throughput(),
            total.succeeded(),
            seconds(totalSeconds)));
    if (total.retried() > 0) {
      line(
          b,
          "retried",
          jobs(total.retried()) + " failed once and succeeded on a retry" + " (sync-inventory)");
    }
    if (total.dead() > 0) {
      line(
          b,
          "dead",
          jobs(total.dead())
              + " ran out of attempts (deliver-webhook)"
              + (fromRedis ? "; " + deadJobsHint() : ""));
    }
    tourLines(b);
    if (urgentJobs > 0 && urgentWaitMs >= 0 && otherWaitMs >= 0) {
      line(
          b,
          "priority",
          String.format(
              Locale.ROOT,
              "urgent images waited %d ms on average in the queue, the others %d ms",
              urgentWaitMs,
              otherWaitMs));
    }
    long unaccounted = total.unaccounted();
    String equation =
        String.format(
            Locale.ROOT,
            "%d enqueued = %d succeeded + %d dead + %d killed + %d cancelled + %d pending",
            total.enqueued(),
            total.succeeded(),
            total.dead(),
            total.killed(),
            total.cancelled(),
            total.pending());
    String rejected =
        total.rejected() > 0 ? "; " + total.rejected() + " rejected, never enqueued" : "";
    if (unaccounted == 0) {
      b.append("  check       OK: ").append(equation).append(rejected);
    } else {
      b.append("  check       MISMATCH: ")
          .append(equation.replace(" = ", " != "))
          .append(" (")
          .append(jobs(Math.abs(unaccounted)))
          .append(unaccounted > 0 ? " missing)" : " too many)");
    }
    b.append(System.lineSeparator());
    if (total.pending() > 0) {
      line(b, "pending", "jobs still waiting (ready or delayed) when the demo stopped");
    }
    if (!fromRedis) {
      line(b, "note", "counted by this process: the stop ended the demo's redis-server too");
    }
    return b.toString();
  }

  /** Where to see the dead jobs once the demo is over: only a Redis of the user's keeps them. */
  private String deadJobsHint() {
    return ownRedis
        ? "spool dead list shows such jobs when the demo runs on your Redis (--redis URI)"
        : "see them with spool dead list --redis "
            + shellWord(redis)
            + " --namespace "
            + namespace
            + (redis.contains("***@") ? " (your password in place of ***)" : "");
  }

  /** A URI as one shell word: quoted when it holds characters a shell reads (? & # * ...). */
  private static String shellWord(String uri) {
    return uri.matches("[A-Za-z0-9:/._@%,\\[\\]-]*") ? uri : "'" + uri.replace("'", "'\\''") + "'";
  }

  private void tourLines(StringBuilder b) {
    Kill k = tour.kill();
    if (k.id() != null && k.ranMs() >= 0) {
      line(
          b,
          "killed",
          String.format(
              Locale.ROOT,
              "%s %s ran %s, then was killed on request%s",
              k.type(),
              k.id(),
              seconds(k.ranMs() / 1000.0),
              k.stopMs() >= 0 ? " (its handler stopped " + k.stopMs() + " ms later)" : ""));
    } else if (k.id() != null) {
      line(b, "killed", k.type() + " " + k.id() + " was not killed: it is " + k.state());
    }
    Unique u = tour.unique();
    if (u.accepted() + u.rejected() > 0) {
      line(
          b,
          "rejected",
          String.format(
              Locale.ROOT,
              "%d of %d %s requests for %s: another one was waiting or running (unique"
                  + " until executed)",
              u.rejected(),
              u.accepted() + u.rejected(),
              u.type(),
              u.account()));
    }
    Batch batch = tour.batch();
    if (batch.id() != null) {
      String state =
          batch.finished()
              ? String.format(
                  Locale.ROOT,
                  "finished%s; its on-complete job ran %s",
                  batch.seconds() >= 0 ? " in " + seconds(batch.seconds()) : "",
                  batch.onCompleteRuns() == 1 ? "once" : batch.onCompleteRuns() + " times")
              : String.format(
                  Locale.ROOT,
                  "not finished: %d of %d parts ended",
                  batch.succeeded() + batch.failed(),
                  batch.parts());
      line(
          b,
          "batch",
          String.format(
              Locale.ROOT,
              "%d thumbnails: %d succeeded, %d failed, %s",
              batch.parts(),
              batch.succeeded(),
              batch.failed(),
              state));
      line(b, "", "(batch id " + batch.id() + ")");
    }
    Recurring r = tour.recurring();
    line(
        b,
        "recurring",
        String.format(
            Locale.ROOT,
            "%s ran %s, every %s (%s jobs, enqueued by the worker nodes)",
            r.name(),
            r.runs() == 1 ? "once" : r.runs() + " times",
            r.every(),
            r.type()));
  }

  private static void line(StringBuilder b, String key, String text) {
    b.append(String.format(Locale.ROOT, "  %-11s %s%n", key, text));
  }

  private static void appendRow(StringBuilder b, String format, Row r) {
    b.append(
        String.format(
            Locale.ROOT,
            format,
            r.queue(),
            r.enqueued(),
            r.succeeded(),
            r.retried(),
            r.dead(),
            r.killed(),
            r.cancelled(),
            r.pending(),
            r.rejected()));
  }

  private static String jobs(long n) {
    return n == 1 ? "1 job" : n + " jobs";
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  /** The summary as one JSON object, on one line. */
  String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    Row total = total();
    m.put("enqueued", total.enqueued());
    m.put("succeeded", total.succeeded());
    m.put("retried", total.retried());
    m.put("dead", total.dead());
    m.put("killed", total.killed());
    m.put("cancelled", total.cancelled());
    m.put("pending", total.pending());
    m.put("rejected", total.rejected());
    m.put("unaccounted", total.unaccounted());
    m.put("throughputPerSecond", round(throughput()));
    m.put("enqueueSeconds", round(enqueueSeconds));
    m.put("totalSeconds", round(totalSeconds));
    m.put("interrupted", interrupted);
    m.put("countsFrom", fromRedis ? "redis" : "process");
    m.put("redis", Redaction.redact(redis));
    m.put("namespace", namespace);
    if (urgentJobs > 0) {
      m.put("urgentJobs", urgentJobs);
      m.put("urgentAverageWaitMs", urgentWaitMs);
      m.put("otherAverageWaitMs", otherWaitMs);
    }
    Map<String, Object> queues = new LinkedHashMap<>();
    for (Row r : rows) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("enqueued", r.enqueued());
      q.put("succeeded", r.succeeded());
      q.put("retried", r.retried());
      q.put("dead", r.dead());
      q.put("killed", r.killed());
      q.put("cancelled", r.cancelled());
      q.put("pending", r.pending());
      q.put("rejected", r.rejected());
      queues.put(r.queue(), q);
    }
    m.put("queues", queues);
    Batch batch = tour.batch();
    m.put(
        "batch",
        JsonOut.object(
            "id", batch.id(),
            "parts", batch.parts(),
            "succeeded", batch.succeeded(),
            "failed", batch.failed(),
            "finished", batch.finished(),
            "onCompleteRuns", batch.onCompleteRuns(),
            "seconds", batch.seconds() < 0 ? null : round(batch.seconds())));
    Recurring r = tour.recurring();
    m.put(
        "recurring",
        JsonOut.object("name", r.name(), "type", r.type(), "every", r.every(), "runs", r.runs()));
    Unique u = tour.unique();
    m.put(
        "unique",
        JsonOut.object(
            "type", u.type(),
            "account", u.account(),
            "accepted", u.accepted(),
            "rejected", u.rejected()));
    Kill k = tour.kill();
    m.put(
        "kill",
        JsonOut.object(
            "id", k.id(),
            "type", k.type(),
            "state", k.state(),
            "ranMs", k.ranMs() < 0 ? null : k.ranMs(),
            "stopMs", k.stopMs() < 0 ? null : k.stopMs()));
    try {
      return new ObjectMapper().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
