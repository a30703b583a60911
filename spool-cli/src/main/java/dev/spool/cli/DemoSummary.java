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
 * of succeeded, dead, cancelled or pending; {@link Row#unaccounted()} is what is left over, and is
 * 0 unless a job went missing.
 *
 * @param fromRedis whether succeeded, dead and pending were read from Redis (else: as this process
 *     saw them, because Redis was gone by the end)
 * @param interrupted whether Ctrl-C ended the demo early
 * @param enqueueSeconds how long jobs were enqueued
 * @param totalSeconds from the first wave until the queues were drained (or the drain gave up)
 * @param urgentWaitMs average wait in the queue of urgent images, -1 if none ran
 * @param otherWaitMs average wait in the queue of the other images, -1 if none ran
 */
record DemoSummary(
    String redis,
    String namespace,
    boolean fromRedis,
    boolean interrupted,
    double enqueueSeconds,
    double totalSeconds,
    List<Row> rows,
    long urgentJobs,
    long urgentWaitMs,
    long otherWaitMs) {

  /** One queue's jobs by where they ended up. */
  record Row(
      String queue,
      long enqueued,
      long succeeded,
      long retried,
      long dead,
      long cancelled,
      long pending) {
    long unaccounted() {
      return enqueued - succeeded - dead - cancelled - pending;
    }

    Row plus(Row o) {
      return new Row(
          "total",
          enqueued + o.enqueued,
          succeeded + o.succeeded,
          retried + o.retried,
          dead + o.dead,
          cancelled + o.cancelled,
          pending + o.pending);
    }
  }

  Row total() {
    return rows.stream().reduce(new Row("total", 0, 0, 0, 0, 0, 0), Row::plus);
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
            interrupted ? " (stopped early by Ctrl-C)" : ""));
    String format = "  %-9s %9s %10s %8s %6s %10s %8s%n";
    b.append(
        String.format(
            Locale.ROOT,
            format,
            "queue",
            "enqueued",
            "succeeded",
            "retried",
            "dead",
            "cancelled",
            "pending"));
    for (Row r : rows) {
      appendRow(b, format, r);
    }
    b.append("  ").append("-".repeat(66)).append(System.lineSeparator());
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
      b.append(
          String.format(
              Locale.ROOT,
              "  retried     %s failed once and succeeded on a retry (sync-inventory)%n",
              jobs(total.retried())));
    }
    if (total.dead() > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "  dead        %s ran out of attempts (deliver-webhook)%s%n",
              jobs(total.dead()),
              fromRedis ? "; see them with spool.deadJobs()" : ""));
    }
    if (urgentJobs > 0 && urgentWaitMs >= 0 && otherWaitMs >= 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "  priority    urgent images waited %d ms on average in the queue, the others %d ms%n",
              urgentWaitMs,
              otherWaitMs));
    }
    long unaccounted = total.unaccounted();
    String equation =
        String.format(
            Locale.ROOT,
            "%d enqueued = %d succeeded + %d dead + %d cancelled + %d pending",
            total.enqueued(),
            total.succeeded(),
            total.dead(),
            total.cancelled(),
            total.pending());
    if (unaccounted == 0) {
      b.append("  check       OK: ").append(equation);
    } else {
      b.append("  check       MISMATCH: ")
          .append(equation.replace(" = ", " != "))
          .append(" (")
          .append(jobs(Math.abs(unaccounted)))
          .append(unaccounted > 0 ? " missing)" : " too many)");
    }
    b.append(System.lineSeparator());
    if (total.pending() > 0) {
      b.append("  pending     jobs still waiting (ready or delayed) when the demo stopped")
          .append(System.lineSeparator());
    }
    if (!fromRedis) {
      b.append("  note        counted by this process: Ctrl-C stopped the demo's redis-server too")
          .append(System.lineSeparator());
    }
    return b.toString();
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
            r.cancelled(),
            r.pending()));
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
    m.put("cancelled", total.cancelled());
    m.put("pending", total.pending());
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
      q.put("cancelled", r.cancelled());
      q.put("pending", r.pending());
      queues.put(r.queue(), q);
    }
    m.put("queues", queues);
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
