package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.QueueCounts;
import dev.spool.Schedule;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON API against a real Redis: reads, actions, and what it refuses. */
class DashboardApiIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private final JsonNode noArgs = JsonNodeFactory.instance.objectNode();
  private Spool spool;
  private SpoolDashboard dashboard;
  private Http http;
  private TestJobs jobs;
  private Worker worker;

  @BeforeEach
  void start() {
    spool = Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
    dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
    http = new Http(dashboard.url());
    jobs = new TestJobs();
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    dashboard.stop();
    spool.close();
  }

  @Test
  void overviewCountsAreTheMonitorsCounts() {
    spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs, noArgs));
    spool.enqueue(TestJobs.IDLE, noArgs, JobOptions.builder().delay(Duration.ofHours(1)).build());

    JsonNode overview = http.get("api/overview").json();

    QueueCounts counts = spool.monitor().counts("dash-idle");
    JsonNode idle = queue(overview, "dash-idle");
    assertThat(idle.get("ready").asLong()).isEqualTo(counts.ready()).isEqualTo(3);
    assertThat(idle.get("delayed").asLong()).isEqualTo(counts.delayed()).isEqualTo(1);
    assertThat(overview.get("namespace").asText()).isEqualTo(spool.namespace());
    assertThat(http.get("api/live").json().get("stamp").asText())
        .isEqualTo(overview.get("stamp").asText());
  }

  @Test
  void overviewShowsHowLongTheLongestWaitingJobWaitedAndTheStampIgnoresIt() {
    // An application whose clock is an hour behind Redis's enqueues as if an hour ago.
    try (Spool late =
        Spool.builder()
            .redis(redis.uri())
            .namespace(spool.namespace())
            .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)))
            .build()) {
      late.enqueue(TestJobs.IDLE, noArgs);
    }
    JsonNode overview = http.get("api/overview").json();
    long waited = queue(overview, "dash-idle").get("latencyMs").asLong();
    assertThat(waited).isBetween(3_540_000L, 3_660_000L);
    assertThat(overview.get("totals").get("latencyMs").asLong()).isEqualTo(waited);

    // The job waits on, and lists have nothing new to read: the stamp stays.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                queue(http.get("api/overview").json(), "dash-idle").get("latencyMs").asLong()
                    > waited);
    assertThat(http.get("api/live").json().get("stamp").asText())
        .isEqualTo(overview.get("stamp").asText());
  }

  @Test
  void overviewShowsNodesWithTheJobsTheyRun() {
    worker = jobs.start(spool.worker("node-a"));
    JobId id = spool.enqueue(TestJobs.BLOCK, noArgs);
    await().atMost(WAIT).until(() -> state(id) == State.STARTED);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode node = http.get("api/overview").json().get("nodes").get(0);
              assertThat(node.get("name").asText()).isEqualTo("node-a");
              assertThat(node.get("jobs").toString()).contains(id.toString());
            });
    spool.statuses().find(id).orElseThrow().requestKill();
  }

  @Test
  void theOverviewReadsEachQueuesRunningJobsOnceHoweverManyNodesRunThem() {
    try (OwnRedis own = new OwnRedis()) {
      Spool onOwn = own.spool;
      RedisCommands<String, String> redisCli = own.cli;
      // 100 queues and 10 live nodes, one of them running a job.
      for (int i = 0; i < 100; i++) {
        onOwn.enqueue(TestJobs.IDLE.withQueue("q" + i), noArgs);
      }
      TestJobs nodeJobs = new TestJobs();
      List<Worker> nodes = new java.util.ArrayList<>();
      try {
        nodes.add(nodeJobs.start(onOwn.worker("node-0")));
        JobId running = onOwn.enqueue(TestJobs.BLOCK, noArgs);
        for (int i = 1; i < 10; i++) {
          nodes.add(onOwn.worker("node-" + i).queues("q" + i).concurrency(1).start());
        }
        await().atMost(WAIT).until(() -> onOwn.monitor().nodes().size() == 10);
        await()
            .atMost(WAIT)
            .until(() -> onOwn.statuses().findOrUnknown(running).state() == State.STARTED);
        long before = zrangeCalls(redisCli);

        JsonNode overview = own.api.get("api/overview").json();

        // Each queue's running jobs read once, not once a node (10 nodes: 1 010 and more). The
        // counts script and the nodes' own loops run ZRANGE too: about 250 in all.
        assertThat(zrangeCalls(redisCli) - before).isLessThan(500);
        assertThat(overview.get("nodes")).hasSize(10);
        for (JsonNode node : overview.get("nodes")) {
          String expected = node.get("name").asText().equals("node-0") ? running.toString() : null;
          assertThat(node.get("jobs").size()).isEqualTo(expected == null ? 0 : 1);
          if (expected != null) {
            assertThat(node.get("jobs").get(0).asText()).isEqualTo(expected);
          }
        }
        onOwn.statuses().find(running).orElseThrow().requestKill();
      } finally {
        nodes.forEach(Worker::close);
      }
    }
  }

  /** How many ZRANGE commands Redis has run (its commandstats). */
  private static long zrangeCalls(RedisCommands<String, String> redisCli) {
    Matcher m =
        Pattern.compile("cmdstat_zrange:calls=(\\d+)").matcher(redisCli.info("commandstats"));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void withRedisStalledEveryPagesPollIsA503AfterOneTimeoutNotOneTimeoutPerPage() throws Exception {
    try (SpoolRedis own = SpoolRedis.dedicated();
        Spool onOwn =
            Spool.builder()
                .redis(own.uri())
                .namespace(SpoolRedis.namespace())
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        SpoolDashboard d = SpoolDashboard.builder().spool(onOwn).port(0).build().start()) {
      Http api = new Http(d.url());
      onOwn.enqueue(TestJobs.IDLE, noArgs);
      assertThat(api.get("api/overview").status()).isEqualTo(200);
      own.pause(); // a stalled host: connections stay open, nothing is answered
      try {
        await().atMost(WAIT).until(() -> api.get("api/live").status() == 503);

        // Four open pages poll at once; a read of Redis waits out the 2 s timeout.
        List<java.util.concurrent.CompletableFuture<Long>> polls = new java.util.ArrayList<>();
        for (String path : List.of("api/live", "api/live", "api/overview", "api/live")) {
          polls.add(
              java.util.concurrent.CompletableFuture.supplyAsync(
                  () -> {
                    long start = System.nanoTime();
                    assertThat(api.get(path).status()).isEqualTo(503);
                    return Duration.ofNanos(System.nanoTime() - start).toMillis();
                  }));
        }

        for (var poll : polls) {
          assertThat(poll.get()).isLessThan(7_000); // one after another: 2, 4, 6, 8 s and more
        }
      } finally {
        own.resume();
      }
    }
  }

  @Test
  void aQueueIsDrainedOfItsWaitingJobs() {
    List<JobId> waiting = spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs, noArgs));
    JobId later =
        spool.enqueue(
            TestJobs.IDLE, noArgs, JobOptions.builder().delay(Duration.ofHours(1)).build());

    JsonNode drained = http.act("api/queues/drain?queue=dash-idle").json();

    assertThat(drained.get("drained").asLong()).isEqualTo(3);
    assertThat(waiting).allMatch(id -> state(id) == State.KILLED);
    assertThat(state(later)).isEqualTo(State.SCHEDULED); // scheduled jobs stay
    assertThat(http.act("api/queues/drain?queue=no-such-queue").status()).isEqualTo(404);
    assertThat(http.act("api/queues/drain?queue=dash-idle&scheduled=yes").status()).isEqualTo(400);

    JsonNode withScheduled = http.act("api/queues/drain?queue=dash-idle&scheduled=true").json();

    assertThat(withScheduled.get("drained").asLong()).isEqualTo(1);
    assertThat(withScheduled.get("scheduled").asBoolean()).isTrue();
    assertThat(state(later)).isEqualTo(State.KILLED);
  }

  @Test
  void aLiveNodeIsQuietedAndResumedAndTheOverviewSaysSo() {
    worker = jobs.start(spool.worker("node-q"));

    JsonNode quieted = http.act("api/nodes/quiet?node=node-q").json();
    assertThat(quieted.get("changed").asBoolean()).isTrue();
    assertThat(http.get("api/overview").json().get("nodes").get(0).get("quiet").asBoolean())
        .isTrue();
    assertThat(spool.monitor().nodes().getFirst().quiet()).isTrue();

    JsonNode resumed = http.act("api/nodes/resume?node=node-q").json();
    assertThat(resumed.get("changed").asBoolean()).isTrue();
    assertThat(spool.monitor().nodes().getFirst().quiet()).isFalse();
    assertThat(http.act("api/nodes/quiet?node=no-such-node").status()).isEqualTo(404);
    assertThat(http.act("api/nodes/stop?node=node-q").status()).isEqualTo(404);
  }

  @Test
  void throughputSumsTheEnginesPerMinuteCountersOfEveryQueue() {
    worker = jobs.start(spool.worker("node-a"));
    JobId ok = spool.enqueue(TestJobs.ECHO, noArgs);
    JobId bad = spool.enqueue(TestJobs.FLAKY, noArgs);
    await().atMost(WAIT).until(() -> state(ok) == State.SUCCEEDED && state(bad) == State.FAILED);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode t = http.get("api/throughput").json();
              assertThat(t.get("available").asBoolean()).isTrue();
              assertThat(t.get("minutes")).hasSize(60);
              long succeeded = 0;
              long failed = 0;
              for (JsonNode m : t.get("minutes")) {
                succeeded += m.get("succeeded").asLong();
                failed += m.get("failed").asLong();
              }
              assertThat(succeeded).isEqualTo(1);
              assertThat(failed).isEqualTo(1);
            });
  }

  @Test
  void aQueueIsPausedAndResumedAndTheOverviewShowsItsControls() {
    spool.enqueue(TestJobs.IDLE, noArgs);
    spool.queue("dash-idle").limitConcurrency(3);
    spool.queue("dash-idle").limitRate(600, Duration.ofMinutes(1));

    JsonNode paused = http.act("api/queues/dash-idle/pause").json();
    JsonNode shown = queue(http.get("api/overview").json(), "dash-idle");
    JsonNode pausedAgain = http.act("api/queues/dash-idle/pause").json();

    assertThat(paused.get("changed").asBoolean()).isTrue();
    assertThat(paused.get("paused").asBoolean()).isTrue();
    assertThat(spool.queue("dash-idle").isPaused()).isTrue();
    assertThat(shown.get("paused").asBoolean()).isTrue();
    assertThat(shown.get("concurrencyLimit").asInt()).isEqualTo(3);
    assertThat(shown.get("rateLimit").get("max").asInt()).isEqualTo(600);
    assertThat(shown.get("rateLimit").get("perMillis").asLong()).isEqualTo(60_000);
    assertThat(pausedAgain.get("changed").asBoolean()).isFalse();

    JsonNode resumed = http.act("api/queues/dash-idle/resume").json();

    assertThat(resumed.get("changed").asBoolean()).isTrue();
    assertThat(spool.queue("dash-idle").isPaused()).isFalse();
    assertThat(queue(http.get("api/overview").json(), "dash-idle").get("paused").asBoolean())
        .isFalse();
    assertError(http.post("api/queues/dash-idle/pause"), 403, "CSRF");
    assertError(http.act("api/queues/no-such-queue/pause"), 404, "no queue");
    assertError(http.act("api/queues/dash-idle/explode"), 404, "no queue action");
    assertError(http.get("api/queues/dash-idle/pause"), 405, "POST");
    assertThat(spool.queue("dash-idle").isPaused()).isFalse();
  }

  @Test
  void jobsAreBrowsedByStateQueueNameAndArgumentAndPaged() {
    List<JobId> ids = spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs, noArgs));
    spool.statuses().find(ids.get(1)).orElseThrow().jobArgs(java.util.Map.of("book", "53"));

    JsonNode page = http.get("api/jobs?state=queued&queue=dash-idle&limit=2").json();
    JsonNode byArg = http.get("api/jobs?arg=53").json();
    JsonNode byName = http.get("api/jobs?name=dash-idle&limit=2").json();
    JsonNode olderByName =
        http.get("api/jobs?name=dash-idle&limit=2&cursor=" + byName.get("next").asText()).json();

    assertThat(page.get("total").asLong()).isEqualTo(3);
    assertThat(page.get("totalComplete").asBoolean()).isTrue();
    assertThat(page.get("totalDisplay").asText()).isEqualTo("3");
    assertThat(page.get("jobs")).hasSize(2);
    assertThat(page.get("jobs").get(0).get("id").asText()).isEqualTo(ids.get(2).toString());
    assertThat(byArg.get("jobs")).hasSize(1);
    assertThat(byArg.get("jobs").get(0).get("id").asText()).isEqualTo(ids.get(1).toString());
    assertThat(olderByName.get("jobs")).hasSize(1);
    assertThat(olderByName.get("jobs").get(0).get("id").asText()).isEqualTo(ids.get(0).toString());
    assertThat(http.get("api/jobs?state=succeeded&queue=dash-idle").json().get("total").asLong())
        .isZero();
  }

  @Test
  void aJobsPageWithoutItsCountCountsNothing() {
    spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs));

    JsonNode page = http.get("api/jobs?queue=dash-idle&count=false").json();

    assertThat(page.get("jobs")).hasSize(2);
    assertThat(page.get("total").isNull()).as(page.toString()).isTrue();
    assertThat(page.get("totalDisplay").isNull()).isTrue();
    assertThat(page.get("countCursor").isNull()).isTrue();
    assertThat(http.get("api/jobs?count=true").json().get("total").asLong()).isEqualTo(2);
    assertError(http.get("api/jobs?count=maybe"), 400, "count must be true or false");
  }

  @Test
  void aJobPageHoldsEverythingOfItsStatus() throws Exception {
    worker = jobs.start(spool.worker("node-a"));
    JobId id =
        spool.enqueue(TestJobs.FLAKY, new ObjectMapper().readTree("{\"book\":\"<b>53</b>\"}"));
    await().atMost(WAIT).until(() -> state(id) == State.FAILED);

    JsonNode job = http.get("api/jobs/" + id).json();

    assertThat(job.get("state").asText()).isEqualTo("failed");
    assertThat(job.get("args").get("book").asText()).isEqualTo("<b>53</b>");
    assertThat(job.get("errors").get(0).get("message").asText()).isEqualTo("failing on purpose");
    assertThat(job.get("errors").get(0).get("type").asText()).contains("IllegalStateException");
    assertThat(job.get("node").asText()).isEqualTo("node-a");
    assertThat(job.get("timestamps").get("failed_at").asText()).isNotEmpty();
    assertThat(job.get("actions").toString()).contains("retry", "delete");
    assertThat(job.has("log")).isFalse(); // read by position: api/jobs/<id>/log
    JsonNode line = http.get("api/jobs/" + id + "/log").json().get("lines").get(0);
    assertThat(line.get("message").asText()).isEqualTo("checking <b>the</b> book");
    assertThat(line.get("attempt").asInt()).isZero();
    assertThat(line.get("at").asText()).endsWith("Z");
  }

  @Test
  void aRunningJobsLogIsReadFromWhereTheReaderLeftOffAndNeverWhole() throws Exception {
    worker = jobs.start(spool.worker("node-a"));
    // A day-300 log: the 1 000 lines kept, 1 000 characters each, 1 MB in all.
    JobId id =
        spool.enqueue(
            TestJobs.CHATTY, new ObjectMapper().readTree("{\"lines\": 1200, \"width\": 1000}"));
    await()
        .atMost(WAIT)
        .until(() -> http.get("api/jobs/" + id + "/log").json().path("added").asLong() == 1200);

    // The job's page re-reads the job each second: without its log, a small answer.
    assertThat(http.get("api/jobs/" + id).body().length()).isLessThan(10_000);
    JsonNode tail = http.get("api/jobs/" + id + "/log").json();
    assertThat(tail.get("lines")).hasSize(200); // Api.DEFAULT_LOG_PAGE
    assertThat(tail.get("from").asLong()).isEqualTo(1000);
    assertThat(tail.get("next").asLong()).isEqualTo(1200);
    assertThat(tail.get("lines").get(0).get("message").asText()).startsWith("line 1000 ");
    JsonNode nothingNew = http.get("api/jobs/" + id + "/log?from=1200").json();
    assertThat(nothingNew.get("lines")).isEmpty();

    jobs.toLog.add("one more <i>line</i>");
    await()
        .atMost(WAIT)
        .until(() -> http.get("api/jobs/" + id + "/log?from=1200").json().get("lines").size() == 1);
    JsonNode fresh = http.get("api/jobs/" + id + "/log?from=1200").json();
    assertThat(fresh.get("lines").get(0).get("message").asText()).isEqualTo("one more <i>line</i>");
    assertThat(fresh.get("next").asLong()).isEqualTo(1201);
    // Lines 0 to 200 were dropped (a log keeps 1 000): a read from 0 says where it starts.
    JsonNode oldest = http.get("api/jobs/" + id + "/log?from=0&limit=1").json();
    assertThat(oldest.get("from").asLong()).isEqualTo(201);
    assertThat(http.get("api/jobs/" + id + "/log?from=-1").status()).isEqualTo(400);
    assertThat(http.get("api/jobs/" + id + "/log?from=x").status()).isEqualTo(400);
    assertThat(http.get("api/jobs/" + id + "/log?limit=100000").status()).isEqualTo(400);
    spool.statuses().find(id).orElseThrow().requestKill();
  }

  /**
   * A job cancelled or killed by mistake can run again, as JobRunr requeues a deleted job (its page
   * offered only Delete; a retry was a 409 "only dead jobs can be retried").
   */
  @Test
  void aCancelledJobIsOfferedARetryAndRuns() {
    JobId id = spool.enqueue(TestJobs.FLAKY, noArgs);
    assertThat(http.act("api/jobs/" + id + "/cancel").status()).isEqualTo(200);
    assertThat(state(id)).isEqualTo(State.KILLED);
    assertThat(http.get("api/jobs/" + id).json().get("actions").toString()).contains("retry");
    jobs.failing.set(false);

    assertThat(http.act("api/jobs/" + id + "/retry").status()).isEqualTo(200);
    worker = jobs.start(spool.worker("node-a"));
    await().atMost(WAIT).until(() -> state(id) == State.SUCCEEDED);
  }

  @Test
  void aDeadJobIsRetriedAndRuns() {
    worker = jobs.start(spool.worker("node-a"));
    JobId id = spool.enqueue(TestJobs.FLAKY, noArgs);
    await().atMost(WAIT).until(() -> state(id) == State.FAILED);
    JsonNode dead = http.get("api/dead?queue=dash-flaky").json();
    jobs.failing.set(false);

    Http.Reply retried = http.act("api/jobs/" + id + "/retry");

    assertThat(dead.get("total").asLong()).isEqualTo(1);
    assertThat(dead.get("jobs").get(0).get("id").asText()).isEqualTo(id.toString());
    assertThat(retried.status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> state(id) == State.SUCCEEDED);
    JsonNode firstAttempt = http.get("api/jobs/" + id).json().get("previousAttempts").get(0);
    assertThat(firstAttempt.get("state").asText()).isEqualTo("failed");
    for (String time : List.of("started_at", "ended_at")) {
      assertThat(firstAttempt.get(time).asText()) // ISO-8601 like every other time, not epoch µs
          .as(time + " of " + firstAttempt)
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    }
    Http.Reply again = http.act("api/jobs/" + id + "/retry");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("error").asText())
        .contains("only dead or killed jobs can be retried");
  }

  @Test
  void waitingJobsAreCancelledRunningOnesKilledFinishedOnesDeleted() {
    worker = jobs.start(spool.worker("node-a"));
    JobId waiting = spool.enqueue(TestJobs.IDLE, noArgs);
    JobId running = spool.enqueue(TestJobs.BLOCK, noArgs);
    JobId done = spool.enqueue(TestJobs.ECHO, noArgs);
    await().atMost(WAIT).until(() -> state(running) == State.STARTED);
    await().atMost(WAIT).until(() -> state(done) == State.SUCCEEDED);

    assertThat(http.act("api/jobs/" + waiting + "/cancel").status()).isEqualTo(200);
    assertThat(http.act("api/jobs/" + running + "/kill").status()).isEqualTo(200);
    assertThat(http.act("api/jobs/" + done + "/delete").status()).isEqualTo(200);

    assertThat(state(waiting)).isEqualTo(State.KILLED);
    await().atMost(WAIT).until(() -> state(running) == State.KILLED);
    assertThat(spool.statuses().find(done)).isEmpty();
    assertThat(http.get("api/jobs/" + done).status()).isEqualTo(404);
  }

  @Test
  void bulkActionsWorkOnAQuerysResult() {
    spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs, noArgs));

    JsonNode killed = http.act("api/jobs/bulk/kill?queue=dash-idle&state=queued").json();
    JsonNode deleted = http.act("api/jobs/bulk/delete?queue=dash-idle&state=killed").json();

    assertThat(killed.get("changed").asLong()).as(killed.toString()).isEqualTo(3);
    assertThat(killed.get("more").asBoolean()).isFalse();
    assertThat(deleted.get("changed").asLong()).isEqualTo(3);
    assertThat(http.get("api/jobs?queue=dash-idle").json().get("total").asLong()).isZero();
  }

  @Test
  void theDeadSetIsRetriedAndPurgedWhole() {
    worker = jobs.start(spool.worker("node-a"));
    List<JobId> ids = spool.enqueueAll(TestJobs.FLAKY, List.of(noArgs, noArgs));
    await().atMost(WAIT).until(() -> spool.deadJobs().size("dash-flaky") == 2);
    worker.close();
    worker = null;

    JsonNode retried = http.act("api/dead/retry?queue=dash-flaky").json();
    assertThat(retried.get("count").asLong()).isEqualTo(2);
    assertThat(state(ids.get(0))).isEqualTo(State.QUEUED);

    worker = jobs.start(spool.worker("node-b"));
    await().atMost(WAIT).until(() -> spool.deadJobs().size("dash-flaky") == 2);
    JsonNode purged = http.act("api/dead/purge").json();
    assertThat(purged.get("count").asLong()).isEqualTo(2);
    assertThat(spool.deadJobs().size("dash-flaky")).isZero();

    // A misspelt queue or action is an error, not "0 retried".
    assertError(http.act("api/dead/retry?queue=dash-flakey"), 404, "no queue 'dash-flakey'");
    assertError(http.get("api/dead?queue=dash-flakey"), 404, "no queue 'dash-flakey'");
    assertError(http.act("api/dead/retyr?queue=dash-flaky"), 404, "no dead-set action 'retyr'");
  }

  @Test
  void recurringJobsAreListedAndCancelled() {
    spool.recurring("nightly", Schedule.every(Duration.ofHours(1)), TestJobs.IDLE, noArgs);
    spool.recurring(
        "pinned",
        Schedule.every(Duration.ofHours(1)),
        TestJobs.IDLE,
        noArgs,
        JobOptions.builder().node("node-a").strictNode(true).priority(7).build());

    JsonNode list = http.get("api/recurring").json();
    JsonNode pinned = list.get("recurring").get(1);
    assertThat(pinned.get("node").asText()).isEqualTo("node-a");
    assertThat(pinned.get("strictNode").asBoolean()).isTrue();
    assertThat(pinned.get("notNode").isNull()).isTrue();
    assertThat(pinned.get("priority").asInt()).isEqualTo(7);
    assertThat(list.get("recurring").get(0).get("node").isNull()).isTrue();
    spool.cancelRecurring("pinned");
    Http.Reply cancelled = http.act("api/recurring/nightly/cancel");

    assertThat(list.get("recurring").get(0).get("name").asText()).isEqualTo("nightly");
    assertThat(list.get("recurring").get(0).get("schedule").asText()).isEqualTo("every 1h");
    assertThat(list.get("recurring").get(0).get("nextRun").asText()).isNotEmpty();
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(spool.recurringJobs()).isEmpty();
    assertThat(http.act("api/recurring/nightly/cancel").status()).isEqualTo(404);
  }

  @Test
  void recurringJobsNamedLikeDotSegmentsAreTriggeredAndCancelledByQuery() {
    spool.recurring("..", Schedule.every(Duration.ofHours(1)), TestJobs.IDLE, noArgs);
    spool.recurring(".", Schedule.every(Duration.ofHours(1)), TestJobs.IDLE, noArgs);

    assertThat(http.act("api/recurring/trigger?name=..").status()).isEqualTo(200);
    assertThat(http.act("api/recurring/cancel?name=..").status()).isEqualTo(200);
    assertThat(http.act("api/recurring/cancel?name=.").status()).isEqualTo(200);

    assertThat(spool.recurringJobs()).isEmpty();
    assertError(http.act("api/recurring/cancel?name=.."), 404, "no recurring job '..'");
    assertError(http.act("api/recurring/cancel"), 400, "name");
  }

  @Test
  void aQueueIsPausedByQuery() {
    spool.enqueue(TestJobs.IDLE, noArgs);

    assertThat(http.act("api/queues/pause?queue=dash-idle").status()).isEqualTo(200);
    assertThat(spool.queue("dash-idle").isPaused()).isTrue();
    assertThat(http.act("api/queues/resume?queue=dash-idle").status()).isEqualTo(200);
    assertThat(spool.queue("dash-idle").isPaused()).isFalse();
  }

  @Test
  void aDeadPageOfOneQueueGoesOnByCursor() {
    worker = jobs.start(spool.worker("node-a"));
    spool.enqueueAll(TestJobs.FLAKY, List.of(noArgs, noArgs, noArgs));
    await().atMost(WAIT).until(() -> spool.deadJobs().size("dash-flaky") == 3);
    List<String> newestFirst =
        spool.deadJobs().list("dash-flaky", 0, 3).stream().map(d -> d.id().toString()).toList();

    JsonNode first = http.get("api/dead?queue=dash-flaky&limit=1").json();
    JsonNode second =
        http.get("api/dead?queue=dash-flaky&limit=1&cursor=" + first.get("next").asText()).json();

    assertThat(second.get("total").asLong()).isEqualTo(3);
    assertThat(second.get("jobs")).hasSize(1);
    assertThat(second.get("jobs").get(0).get("id").asText()).isEqualTo(newestFirst.get(1));
  }

  @Test
  void deadPagesAcrossQueuesMergeByTimeAndADeepPageReadsNoMoreThanTheFirst() {
    try (OwnRedis own = new OwnRedis()) {
      Spool onOwn = own.spool;
      RedisCommands<String, String> redisCli = own.cli;
      Http api = own.api;
      // Day 300: two queues with 3 000 dead jobs each, 4 KB of arguments and error apiece,
      // dying in turns (written straight into Redis: failing 6 000 jobs takes too long).
      for (String queue : List.of("dead-a", "dead-b")) {
        onOwn.enqueue(TestJobs.IDLE.withQueue(queue), noArgs); // the namespace lists the queue
        redisCli.eval(
            "for i = 1000, 3999 do"
                + " redis.call('HSET', KEYS[1] .. i, 't', 'dash-idle', 'a', string.rep('a', 2000),"
                + "  'e', string.rep('e', 2000), 'n', '0', 's', 'failed')"
                + " redis.call('ZADD', KEYS[2], 2 * i + tonumber(ARGV[1]), i) end",
            ScriptOutputType.STATUS,
            new String[] {
              onOwn.namespace() + ":{" + queue + "}:job:",
              onOwn.namespace() + ":{" + queue + "}:dead"
            },
            queue.equals("dead-a") ? "1" : "0");
      }

      List<String> seen = new java.util.ArrayList<>();
      JsonNode page = api.get("api/dead?limit=50").json();
      assertThat(page.get("total").asLong()).isEqualTo(6_000);
      long firstPageBytes = RedisBytes.sentFor(redisCli, () -> api.get("api/dead?limit=50"));
      for (int i = 0; i < 80; i++) { // 4 000 deep
        page.get("jobs").forEach(j -> seen.add(j.get("id").asText()));
        page = api.get("api/dead?limit=50&cursor=" + page.get("next").asText()).json();
      }
      String deep = "api/dead?limit=50&cursor=" + page.get("next").asText();
      long deepPageBytes = RedisBytes.sentFor(redisCli, () -> api.get(deep));

      // Newest first across both queues (they died in turns), none twice.
      assertThat(seen).hasSize(4_000).doesNotHaveDuplicates();
      assertThat(seen.subList(0, 3)).containsExactly("dead-a:3999", "dead-b:3999", "dead-a:3998");
      assertThat(page.get("jobs").get(0).get("id").asText()).isEqualTo("dead-a:1999");
      // The page 4 000 deep read what the first did: 50 jobs and each queue's next 50 times of
      // death (reading every job before it meant about 32 MB).
      assertThat(deepPageBytes).isLessThan(2 * firstPageBytes).isLessThan(500_000);
      assertError(api.get("api/dead?offset=100"), 400, "cursor");
      assertError(api.get("api/dead?cursor=nonsense"), 400, "malformed cursor");
    }
  }

  @Test
  void aJobsPageOfJobsWithLargeArgumentsReadsThePageNotTheirSize() throws Exception {
    try (OwnRedis own = new OwnRedis()) {
      Spool onOwn = own.spool;
      RedisCommands<String, String> redisCli = own.cli;
      Http api = own.api;
      // 50 jobs with 100 KB of arguments each, starting with characters of 2 to 4 bytes in UTF-8;
      // one has failed with a 50 KB message.
      String text = "\u00e9\u20ac\ud83d\ude00" + "x".repeat(100_000);
      JsonNode big =
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("text", text);
      List<JobId> ids = onOwn.enqueueAll(TestJobs.IDLE, java.util.Collections.nCopies(50, big));
      redisCli.hset(
          onOwn.namespace() + ":{dash-idle}:job:" + ids.getFirst().number(),
          "er",
          "[{\"type\":\"Old\",\"message\":\"first\"},{\"type\":\"Boom\",\"message\":\""
              + "m".repeat(50_000)
              + "\",\"at\":1764612345678901}]");

      String page = "api/jobs?queue=dash-idle&limit=50";
      long bytes = RedisBytes.sentFor(redisCli, () -> api.get(page));
      JsonNode rows = api.get(page).json().get("jobs");

      // About 1 KB a job instead of 100 KB: the fields were cut in Redis.
      assertThat(bytes).as("bytes from Redis").isLessThan(150_000); // 49 KB; 5 MB whole
      assertThat(rows).hasSize(50);
      String args = rows.get(0).get("args").asText();
      assertThat(args)
          .startsWith("{\"text\":\"\u00e9\u20ac\ud83d\ude00xxx")
          .doesNotContain("\ufffd");
      JsonNode failed = rows.get(rows.size() - 1);
      assertThat(failed.get("id").asText()).isEqualTo(ids.getFirst().toString());
      assertThat(failed.get("lastError").asText()).startsWith("Boom: mmm");
      // The job's own page still has all of it.
      JsonNode detail = api.get("api/jobs/" + ids.getFirst()).json();
      assertThat(detail.toString()).contains("x".repeat(100_000));
    }
  }

  /**
   * A Redis of the test's own (its byte counters and keys are the test's alone), with a Spool, a
   * dashboard and a client of its own on it.
   */
  private static final class OwnRedis implements AutoCloseable {
    final SpoolRedis redis = SpoolRedis.dedicated();
    final Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
    final SpoolDashboard dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
    final RedisClient client = RedisClient.create(redis.uri());
    final RedisCommands<String, String> cli = client.connect().sync();
    final Http api = new Http(dashboard.url());

    @Override
    public void close() {
      client.shutdown();
      dashboard.close();
      spool.close();
      redis.close();
    }
  }

  @Test
  void overLongOrTooManyFilterValuesAreRefusedBeforeRedisSeesThem() {
    assertThat(http.get("api/jobs?name=" + "n".repeat(200)).status()).isEqualTo(200);
    assertThat(http.get("api/jobs?arg=" + "a".repeat(1_000)).status()).isEqualTo(200);

    assertError(http.get("api/jobs?name=" + "n".repeat(201)), 400, "at most 200 characters");
    assertError(http.get("api/jobs?arg=" + "a".repeat(1_001)), 400, "at most 1000 characters");
    assertError(http.get("api/jobs?arg=" + "a".repeat(100_000)), 400, "at most 1000 characters");
    assertError(
        http.get("api/jobs?name=" + "x,".repeat(21)), 400, "at most 20 alternatives, got 21");
    assertError(
        http.act("api/jobs/bulk/delete?name=" + "n".repeat(201)), 400, "at most 200 characters");
    assertThat(http.get("api/jobs?arg=" + "a".repeat(100_000)).body()).hasSizeLessThan(300);
  }

  @Test
  void aLongDistributedTokenOrBatchIdIsClippedInTheError() {
    Http.Reply token = http.get("api/distributed/" + "t".repeat(5_000));
    Http.Reply batch = http.get("api/batches/dash-idle:" + "b".repeat(5_000));

    assertThat(token.status()).isBetween(400, 404);
    assertThat(token.body()).hasSizeLessThan(400).contains("t".repeat(80) + "…");
    assertThat(batch.status()).isBetween(400, 404);
    assertThat(batch.body()).hasSizeLessThan(400).contains("b".repeat(80) + "…");
  }

  @Test
  void aRedisOutageIsA503AndTheDashboardRecovers() {
    try (SpoolRedis own = SpoolRedis.dedicated();
        Spool onOwn =
            Spool.builder()
                .redis(own.uri())
                .namespace(SpoolRedis.namespace())
                .commandTimeout(Duration.ofSeconds(1))
                .build();
        SpoolDashboard d = SpoolDashboard.builder().spool(onOwn).port(0).build().start()) {
      Http h = new Http(d.url());
      assertThat(h.get("api/live").status()).isEqualTo(200);

      own.stop();
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertError(h.get("api/live"), 503, "Redis is unreachable"));
      own.start();

      await().atMost(WAIT).until(() -> h.get("api/overview").status() == 200);
    }
  }

  @Test
  void requestsOutsideThePathPrefixGetAJson404WithTheSecurityHeaders() throws Exception {
    try (SpoolDashboard prefixed =
        SpoolDashboard.builder().spool(spool).port(0).pathPrefix("/ops/spool").build().start()) {
      Http root = new Http("http://127.0.0.1:" + prefixed.port() + "/");

      for (String path : List.of("", "other/page", "ops/spoolx/api/session")) {
        Http.Reply r = root.get(path);
        assertError(r, 404, "the dashboard is under /ops/spool/");
        assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      }
      assertThat(root.get("ops/spool/api/session").status()).isEqualTo(200);
    }
  }

  @Test
  void aDelayedJobRunsNowAndARecurringJobIsTriggered() {
    worker = jobs.start(spool.worker("node-a"));
    JobId later =
        spool.enqueue(
            TestJobs.ECHO, noArgs, JobOptions.builder().delay(Duration.ofHours(1)).build());
    assertThat(http.get("api/jobs/" + later).json().get("actions").toString()).contains("run-now");

    assertThat(http.act("api/jobs/" + later + "/run-now").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> state(later) == State.SUCCEEDED);
    Http.Reply again = http.act("api/jobs/" + later + "/run-now");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("error").asText()).contains("only delayed jobs");

    spool.recurring("hourly", Schedule.every(Duration.ofHours(1)), TestJobs.ECHO, noArgs);
    assertThat(http.act("api/recurring/hourly/trigger").status()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(() -> spool.monitor().counts(TestJobs.ECHO.queue()).completed() == 2);
    assertThat(http.act("api/recurring/nope/trigger").status()).isEqualTo(404);
  }

  @Test
  void aBatchShowsItsProgress() {
    var batch = spool.batch().add(TestJobs.IDLE, noArgs).add(TestJobs.IDLE, noArgs).submit();

    JsonNode b = http.get("api/batches/" + batch.id()).json();

    assertThat(b.get("total").asLong()).isEqualTo(2);
    assertThat(b.get("pending").asLong()).isEqualTo(2);
    assertThat(http.get("api/batches/dash-idle:nosuchbatch").status()).isEqualTo(404);
  }

  @Test
  void aBatchsPartsAreListedWhateverTheirQueueAPageAtATime() {
    // The trial's batch: kept in "mail" (its callback's queue), its parts in two other queues.
    var batch =
        spool
            .batch()
            .onComplete(TestJobs.IDLE.withQueue("mail"), noArgs)
            .add(TestJobs.IDLE.withQueue("images"), noArgs)
            .add(TestJobs.IDLE.withQueue("images"), noArgs)
            .add(TestJobs.IDLE, noArgs)
            .submit();
    JobId other = spool.enqueue(TestJobs.IDLE.withQueue("images"), noArgs); // no part
    List<String> parts =
        spool.statuses().all().batch(batch.id()).list().stream()
            .map(s -> s.id().toString())
            .toList();
    assertThat(parts).hasSize(3);

    JsonNode first = http.get("api/jobs?batch=" + batch.id() + "&limit=2").json();
    JsonNode second =
        http.get(
                "api/jobs?batch="
                    + batch.id()
                    + "&limit=2&cursor="
                    + java.net.URLEncoder.encode(
                        first.get("next").asText(), java.nio.charset.StandardCharsets.UTF_8))
            .json();

    assertThat(first.get("total").asLong()).isEqualTo(3);
    assertThat(first.get("jobs")).hasSize(2);
    assertThat(second.get("jobs")).hasSize(1);
    List<String> listed = new java.util.ArrayList<>();
    first.get("jobs").forEach(j -> listed.add(j.get("id").asText()));
    second.get("jobs").forEach(j -> listed.add(j.get("id").asText()));
    assertThat(listed).containsExactlyElementsOf(parts).doesNotContain(other.toString());
    assertThat(first.get("jobs").get(0).get("state").asText()).isEqualTo("queued");
    assertThat(first.get("jobs").get(0).get("name").asText()).isEqualTo("dash-idle");
  }

  @Test
  void anUnknownQueryParameterIsA400NamingItNeverIgnored() {
    spool.enqueue(TestJobs.IDLE, noArgs);
    JobId id = spool.enqueue(TestJobs.IDLE, noArgs);

    assertError(
        http.get("api/jobs?batches=mail:b1&limit=3"),
        400,
        "unknown parameter 'batches': api/jobs takes state, queue, name, arg, batch,");
    assertError(http.get("api/overview?x=1&y=2"), 400, "unknown parameters 'x', 'y'");
    assertError(http.get("api/jobs/" + id + "?full=true"), 400, "'full'");
    assertError(http.get("api/dead?state=failed"), 400, "'state'");
    assertError(http.act("api/queues/dash-idle/pause?scheduled=true"), 400, "'scheduled'");
    // Refused before acting: a kill with a parameter it does not take kills nothing.
    assertError(http.act("api/jobs/" + id + "/kill?force=true"), 400, "'force'");
    assertThat(state(id)).isEqualTo(State.QUEUED);
    // A name is quoted cut short, like every other value.
    Http.Reply longName = http.get("api/jobs?" + "p".repeat(5_000) + "=1");
    assertError(longName, 400, "unknown parameter");
    assertThat(longName.body()).hasSizeLessThan(400);
  }

  @Test
  void aKillOfARunningJobIsAnsweredAsARequestItsNodeCarriesOut() {
    worker = jobs.start(spool.worker("node-a"));
    JobId running = spool.enqueue(TestJobs.STUBBORN, noArgs);
    JobId waiting = spool.enqueue(TestJobs.IDLE, noArgs);
    await().atMost(WAIT).until(() -> state(running) == State.STARTED);

    JsonNode requested = http.act("api/jobs/" + running + "/kill").json();
    JsonNode killed = http.act("api/jobs/" + waiting + "/kill").json();

    // The handler has not stopped yet: the job runs on, and the answer says so.
    assertThat(requested.get("done").asBoolean()).as(requested.toString()).isFalse();
    assertThat(requested.get("requested").asBoolean()).isTrue();
    assertThat(requested.get("state").asText()).isEqualTo("started");
    assertThat(requested.get("message").asText())
        .startsWith("kill requested: node node-a, which runs it, interrupts it");
    JsonNode page = http.get("api/jobs/" + running).json();
    assertThat(page.get("state").asText()).isEqualTo("started");
    assertThat(page.get("killRequested").asBoolean()).isTrue();
    // Nothing runs a waiting job: it is killed at once.
    assertThat(killed.get("done").asBoolean()).as(killed.toString()).isTrue();
    assertThat(killed.get("requested").asBoolean()).isFalse();
    assertThat(killed.get("state").asText()).isEqualTo("killed");
    assertThat(killed.get("message").asText()).isEqualTo("killed");

    jobs.release.countDown();
    await().atMost(WAIT).until(() -> state(running) == State.KILLED);
  }

  @Test
  void badInputGetsA4xxWithAMessageNeverA500() {
    assertError(http.get("api/jobs/not-an-id"), 400, "not a job id");
    assertError(http.get("api/jobs/dash-idle:999999"), 404, "no job dash-idle:999999");
    assertError(http.get("api/jobs?limit=100000"), 400, "limit must be in [1, 100]");
    assertError(http.get("api/jobs?limit=ten"), 400, "limit must be a whole number");
    assertError(http.get("api/jobs?state=sleeping"), 400, "state");
    assertError(http.get("api/jobs?from=yesterday"), 400, "ISO-8601");
    assertError(
        http.get("api/jobs?timestamp=kill_requested_at&from=2026-01-01T00:00:00Z"),
        400,
        "timestamp");
    assertError(http.get("api/jobs?queue=bad%20queue%7B"), 400, "queue");
    assertError(http.get("api/jobs?offset=5000"), 400, "cursor");
    assertError(http.get("api/jobs?cursor=p1:nonsense"), 400, "cursor");
    assertError(http.get("api/jobs?countCursor=c1:x:1:q:2"), 400, "cursor");
    assertError(http.get("api/nothing"), 404, "no such API endpoint");
    assertError(http.act("api/jobs/dash-idle:1/explode"), 404, "no action");
    assertError(http.post("api/overview"), 403, "CSRF");
    assertError(http.get("api/jobs/dash-idle:1/retry"), 405, "POST");
  }

  @Test
  void aLongMalformedCursorIsQuotedCutShortLikeEveryOtherValue() {
    String cursor = "p1:" + "x".repeat(5_000);

    for (String param : List.of("cursor", "countCursor")) {
      Http.Reply reply = http.get("api/jobs?" + param + "=" + cursor);

      assertError(reply, 400, "malformed cursor");
      assertThat(reply.json().get("error").asText()).hasSizeLessThan(200).contains("…");
    }
  }

  @Test
  void anActionWithoutTheCsrfTokenOrFromAnotherOriginIsRefused() {
    JobId id = spool.enqueue(TestJobs.IDLE, noArgs);

    assertError(http.post("api/jobs/" + id + "/cancel"), 403, "CSRF");
    assertError(
        http.post("api/jobs/" + id + "/cancel", "X-Spool-Csrf", "0123456789abcdef"), 403, "CSRF");
    assertError(
        http.act("api/jobs/" + id + "/cancel", "Origin", "http://evil.example"),
        403,
        "cross-origin");

    assertThat(state(id)).isEqualTo(State.QUEUED);
    assertThat(spool.queue("dash-idle").isPaused()).isFalse();
  }

  @Test
  void anUnauthenticatedDashboardAnswersOnlyLoopbackHostNames() throws Exception {
    assertThat(rawGet(dashboard.port(), "localhost")).startsWith("HTTP/1.1 200");
    assertThat(rawGet(dashboard.port(), "127.0.0.1:" + dashboard.port()))
        .startsWith("HTTP/1.1 200");
    assertThat(rawGet(dashboard.port(), "evil.example")).startsWith("HTTP/1.1 403");
    try (SpoolDashboard proxied =
        SpoolDashboard.builder()
            .spool(spool)
            .port(0)
            .allowHost("ops.example.com")
            .build()
            .start()) {
      assertThat(rawGet(proxied.port(), "ops.example.com")).startsWith("HTTP/1.1 200");
      assertThat(rawGet(proxied.port(), "evil.example")).startsWith("HTTP/1.1 403");
    }
  }

  /** A GET of api/session with this Host header (which java.net.http will not send). */
  private static String rawGet(int port, String host) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              ("GET /api/session HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void pagesCarryAStrictContentSecurityPolicy() {
    Http.Reply page = http.get("");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Security-Policy"))
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(http.get("assets/app.js").status()).isEqualTo(200);
    assertThat(http.get("assets/../SpoolDashboard.class").status()).isEqualTo(404);
  }

  @Test
  void aReadOnlyDashboardRefusesActions() {
    JobId id = spool.enqueue(TestJobs.IDLE, noArgs);
    try (SpoolDashboard ro =
        SpoolDashboard.builder().spool(spool).port(0).readOnly(true).build().start()) {
      Http roHttp = new Http(ro.url());

      assertError(roHttp.act("api/jobs/" + id + "/cancel"), 403, "read-only");
      assertError(roHttp.act("api/queues/dash-idle/pause"), 403, "read-only");
      assertThat(roHttp.get("api/jobs/" + id).status()).isEqualTo(200);
      assertThat(roHttp.get("").body()).contains("name=\"spool-read-only\" content=\"true\"");
    }
    assertThat(state(id)).isEqualTo(State.QUEUED);
  }

  @Test
  void bindingBeyondLoopbackNeedsAuthentication() {
    assertThatThrownBy(() -> SpoolDashboard.builder().spool(spool).bind("0.0.0.0").port(0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without authentication");
  }

  @Test
  void aTokenIsRequiredWhenSet() {
    try (SpoolDashboard d =
        SpoolDashboard.builder()
            .spool(spool)
            .bind("0.0.0.0")
            .port(0)
            .token("s3cret-token")
            .build()
            .start()) {
      Http h = new Http(d.url());

      assertError(h.get("api/overview"), 401, "authentication required");
      assertThat(h.get("").status()).isEqualTo(303);
      assertThat(h.get("", "Authorization", "Bearer wrong-token").status()).isEqualTo(303);
      assertThat(h.get("api/overview", "Authorization", "Bearer s3cret-token").status())
          .isEqualTo(200);
      // The session cookie holds a value derived from the token, never the token itself.
      assertThat(h.get("api/overview", "Cookie", "spool_dashboard=s3cret-token").status())
          .isEqualTo(401);
    }
  }

  @Test
  void aTokenWithCookieUnsafeCharactersSignsInAndOut() {
    String token = "semi;colon, comma and space";
    try (SpoolDashboard d =
        SpoolDashboard.builder()
            .spool(spool)
            .bind("0.0.0.0")
            .port(0)
            .token(token)
            .build()
            .start()) {
      Http h = new Http(d.url());

      Http.Reply login = h.postForm("login", "token=" + encode(token));
      Http.Reply viaProxy =
          h.postForm("login", "token=" + encode(token), "X-Forwarded-Proto", "https");
      String setCookie = login.header("Set-Cookie");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));

      assertThat(login.status()).isEqualTo(303);
      assertThat(setCookie)
          .startsWith("spool_dashboard=")
          .contains("; HttpOnly", "; SameSite=Strict")
          .doesNotContain("semi", "Secure");
      assertThat(cookie).matches("spool_dashboard=[A-Za-z0-9_-]{43}");
      assertThat(viaProxy.header("Set-Cookie")).contains("; Secure");
      assertThat(h.get("api/overview", "Cookie", cookie).status()).isEqualTo(200);
      assertThat(h.get("api/overview", "Cookie", "spool_dashboard=semi").status()).isEqualTo(401);

      assertError(h.post("logout", "Cookie", cookie), 403, "CSRF");
      Http.Reply logout = h.act("logout", "Cookie", cookie);

      assertThat(logout.status()).isEqualTo(200);
      assertThat(logout.header("Set-Cookie")).startsWith("spool_dashboard=;").contains("Max-Age=0");
    }
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aUsernameAndPasswordOrAHookAreRequiredWhenSet() {
    String basic = "Basic " + Base64.getEncoder().encodeToString("ops:pa55word".getBytes());
    String wrong = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes());
    try (SpoolDashboard d =
            SpoolDashboard.builder()
                .spool(spool)
                .port(0)
                .basicAuth("ops", "pa55word")
                .build()
                .start();
        SpoolDashboard hooked =
            SpoolDashboard.builder()
                .spool(spool)
                .port(0)
                .pathPrefix("/ops/spool")
                .auth(r -> "yes".equals(r.header("x-app-session")))
                .build()
                .start()) {
      Http h = new Http(d.url());
      Http hk = new Http(hooked.url());

      assertThat(h.get("api/overview").status()).isEqualTo(401);
      assertThat(h.get("api/overview").header("WWW-Authenticate")).startsWith("Basic");
      assertThat(h.get("api/overview", "Authorization", wrong).status()).isEqualTo(401);
      assertThat(h.get("api/overview", "Authorization", basic).status()).isEqualTo(200);
      assertThat(hooked.url()).endsWith("/ops/spool/");
      assertThat(hk.get("api/overview").status()).isEqualTo(401);
      assertThat(hk.get("api/overview", "X-App-Session", "yes").status()).isEqualTo(200);
    }
  }

  private static void assertError(Http.Reply reply, int status, String message) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.json().get("error").asText()).contains(message);
    assertThat(reply.body()).doesNotContain("\tat ");
  }

  private static JsonNode queue(JsonNode overview, String name) {
    for (JsonNode q : overview.get("queues")) {
      if (q.get("queue").asText().equals(name)) {
        return q;
      }
    }
    throw new AssertionError("no queue " + name + " in " + overview);
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
