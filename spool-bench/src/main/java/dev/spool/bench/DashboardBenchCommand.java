package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.dashboard.SpoolDashboard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * W6 the dashboard's API with N statuses: the overview read from Redis, a jobs page of 50
 * (unfiltered, by state, three clauses deep) and a job page, each a whole HTTP round trip on
 * loopback, one request at a time.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "W6: N queued statuses; the dashboard's overview, jobs pages of 50 and job page timed"
            + " over HTTP, answers checked.")
public final class DashboardBenchCommand extends WorkloadCommand {
  @Option(
      names = "--statuses",
      defaultValue = "1000000",
      description = "Statuses to create. Default: ${DEFAULT-VALUE}.")
  int statuses = 1_000_000;

  @Option(
      names = "--queries",
      defaultValue = "100",
      description = "Timed requests of each form (the overview: a fifth, a second apart).")
  int queries = 100;

  static final String QUEUE = "dashboard-bench";
  static final JobType<JsonNode> JOB =
      JobType.of("dashboard-bench", JsonNode.class).withQueue(QUEUE);
  static final int ROUND = 10_000;
  static final int PAGE = 50;

  /** Just over the dashboard's one second: every timed overview is read from Redis. */
  static final long OVERVIEW_PAUSE_MS = 1_050;

  static final List<String> FORMS =
      List.of("overview", "jobsPage", "queuedPage", "threeClauseDeepPage", "jobPage");

  @Override
  String id() {
    return "W6";
  }

  @Override
  String name() {
    return "dashboard";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("statuses", statuses);
    s.put("queries", queries);
    s.put("page", PAGE);
    s.put("queue", QUEUE);
    return s;
  }

  @Override
  List<String> mainFigures() {
    List<String> figures = new ArrayList<>();
    for (String form : FORMS) {
      figures.add(form + "P50Ms");
      figures.add(form + "P99Ms");
    }
    return figures;
  }

  @Override
  void scale(double factor) {
    statuses = Math.max(1000, (int) (statuses * factor));
    queries = Math.max(5, (int) (queries * factor));
  }

  @Override
  void validate() {
    if (statuses < 100 || statuses > 100_000_000) {
      throw new IllegalArgumentException("--statuses must be in [100, 100000000], got " + statuses);
    }
    if (queries < 1) {
      throw new IllegalArgumentException("--queries must be positive, got " + queries);
    }
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) throws Exception {
    RunResult result = new RunResult();
    try (Spool spool = spool(env, namespace)) {
      JsonNode args = BenchEnv.JSON.readTree("{\"book\":\"gid://app/Book/53\"}");
      List<JobId> ids = new ArrayList<>(statuses);
      long start = System.nanoTime();
      for (int i = 0; i < statuses; i += ROUND) {
        ids.addAll(spool.enqueueAll(JOB, Collections.nCopies(Math.min(ROUND, statuses - i), args)));
      }
      result.put("setupSeconds", (System.nanoTime() - start) / 1e9, 1);
      env.progress(tag + " " + statuses + " statuses queued");
      SpoolDashboard dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        String base = dashboard.url();
        int deep = Math.max(0, Math.min(5_000, statuses - PAGE));
        time(
            result,
            http,
            "overview",
            Math.max(3, queries / 5),
            OVERVIEW_PAUSE_MS,
            i -> base + "api/overview",
            "\"" + QUEUE + "\"");
        // Counts within the dashboard's budget are partial ("≥ N") with this many statuses, so
        // the answers are checked for a full page rather than for the total.
        String fullPage = "\"jobs\":[{\"id\"";
        time(result, http, "jobsPage", queries, 0, i -> base + "api/jobs?limit=" + PAGE, fullPage);
        time(
            result,
            http,
            "queuedPage",
            queries,
            0,
            i -> base + "api/jobs?state=queued&limit=" + PAGE,
            fullPage);
        String threeClauses =
            base + "api/jobs?state=queued&name=" + JOB.name() + "&queue=" + QUEUE + "&limit=";
        String deepCursor = cursorAt(http, threeClauses, deep);
        time(
            result,
            http,
            "threeClauseDeepPage",
            queries,
            0,
            i -> threeClauses + PAGE + "&cursor=" + deepCursor,
            fullPage);
        result.put("countPolls", pollsToCount(http, base + "api/jobs?limit=" + PAGE));
        SplittableRandom random = new SplittableRandom(1);
        time(
            result,
            http,
            "jobPage",
            queries,
            0,
            i -> base + "api/jobs/" + ids.get(random.nextInt(ids.size())),
            "\"state\":\"queued\"");
      } finally {
        dashboard.stop();
      }
    }
    return result;
  }

  /** The cursor of the page that starts {@code depth} jobs deep, walked to 100 at a time. */
  private static String cursorAt(HttpClient http, String url, int depth) throws Exception {
    String cursor = "";
    for (int walked = 0; walked < depth; walked += 100) {
      JsonNode page = get(http, url + Math.min(100, depth - walked) + "&cursor=" + cursor);
      cursor = page.get("next").asText();
    }
    return cursor;
  }

  /**
   * How many polls of a jobs page it takes to count all its matches (the UI polls once a second).
   */
  private static long pollsToCount(HttpClient http, String url) throws Exception {
    JsonNode page = get(http, url);
    long polls = 1;
    while (!page.get("totalComplete").asBoolean()) {
      page = get(http, url + "&countCursor=" + page.get("countCursor").asText());
      polls++;
    }
    return polls;
  }

  private static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return BenchEnv.JSON.readTree(r.body());
  }

  private static void time(
      RunResult result,
      HttpClient http,
      String form,
      int n,
      long pauseMs,
      java.util.function.IntFunction<String> url,
      String expected)
      throws Exception {
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    for (int i = -3; i < n; i++) {
      if (pauseMs > 0) {
        Thread.sleep(pauseMs); // lets the dashboard's one-second overview copy expire
      }
      long start = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url.apply(i))).build(),
              HttpResponse.BodyHandlers.ofString());
      long micros = (System.nanoTime() - start) / 1000;
      if (r.statusCode() != 200 || !r.body().contains(expected)) {
        result.problem(form + ": HTTP " + r.statusCode() + " without " + expected);
        return;
      }
      if (i >= 0) {
        h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
      }
    }
    result.put(form + "P50Ms", h.getValueAtPercentile(50) / 1000.0, 2);
    result.put(form + "P99Ms", h.getValueAtPercentile(99) / 1000.0, 2);
  }
}
