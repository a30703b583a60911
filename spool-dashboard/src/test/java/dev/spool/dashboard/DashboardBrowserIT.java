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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real browser: headless Chromium, skipped only where /usr/bin/chromium is
 * absent. Saves screenshots of the main pages under target/screenshots/.
 */
class DashboardBrowserIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static ChromeDriver browser;

  private final JsonNode noArgs = JsonNodeFactory.instance.objectNode();
  private Spool spool;
  private SpoolDashboard dashboard;
  private TestJobs jobs;
  private Worker worker;

  @BeforeAll
  static void startBrowser() {
    Assumptions.assumeTrue(
        Browser.available(), "no /usr/bin/chromium (apt-get install chromium chromium-driver)");
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void start() {
    spool = Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
    dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
    jobs = new TestJobs();
    browser.manage().window().setSize(new Dimension(1280, 900));
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
  void theOverviewShowsTheCountsInRedis() {
    worker = jobs.start(spool.worker("node-1"));
    spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs, noArgs, noArgs));
    spool.enqueue(TestJobs.IDLE, noArgs, JobOptions.builder().delay(Duration.ofHours(1)).build());
    List<JobId> done = spool.enqueueAll(TestJobs.ECHO, List.of(noArgs, noArgs));
    JobId running = spool.enqueue(TestJobs.BLOCK, noArgs);
    await().atMost(WAIT).until(() -> state(done.get(1)) == State.SUCCEEDED);
    await().atMost(WAIT).until(() -> state(running) == State.STARTED);

    browser.get(dashboard.url());

    QueueCounts idle = spool.monitor().counts("dash-idle");
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(cell("dash-idle", "ready")).isEqualTo(idle.ready()));
    assertThat(idle.ready()).isEqualTo(4);
    assertThat(cell("dash-idle", "delayed")).isEqualTo(idle.delayed()).isEqualTo(1);
    assertThat(cell("dash-echo", "completed"))
        .isEqualTo(spool.monitor().counts("dash-echo").completed());
    // The ready jobs have waited a moment; a queue with none ready shows a dash.
    assertThat(cellText("dash-idle", "latency")).matches("\\d+(\\.\\d)? (ms|s)|\\d+ min \\d+ s");
    assertThat(cellText("dash-echo", "latency")).isEqualTo("–");
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(text("nodes")).contains("node-1", running.toString()));
    // The chart's scale is HTML over the stretched SVG, so it is not stretched itself.
    assertThat(browser.findElements(By.cssSelector("svg.chart text"))).isEmpty();
    assertThat(browser.findElement(By.cssSelector(".chart-scale")).getText()).endsWith("/min");
    Browser.screenshot(browser, "overview");
    browser.manage().window().setSize(new Dimension(420, 900));
    Browser.screenshot(browser, "overview-narrow");
    spool.statuses().find(running).orElseThrow().requestKill();
  }

  @Test
  void aDeadJobIsRetriedFromItsPageAndRuns() {
    worker = jobs.start(spool.worker("node-1"));
    JobId id = spool.enqueue(TestJobs.FLAKY, noArgs);
    await().atMost(WAIT).until(() -> state(id) == State.FAILED);
    jobs.failing.set(false);

    browser.get(dashboard.url() + "#/dead");
    await()
        .atMost(WAIT)
        .until(() -> !browser.findElements(By.cssSelector("#dead tr[data-id]")).isEmpty());
    Browser.screenshot(browser, "dead");
    click("#dead tr[data-id] a.job-link");
    await().atMost(WAIT).until(() -> shownState().equals("failed"));
    assertThat(text("job-errors")).contains("failing on purpose");
    Browser.screenshot(browser, "job-failed");
    click("button[data-action=retry]");
    click("button.confirm-yes");

    await().atMost(WAIT).until(() -> shownState().equals("succeeded"));
    assertThat(state(id)).isEqualTo(State.SUCCEEDED);
  }

  @Test
  void purgeAllOfTheDeadSetGoesOnRequestByRequestUntilEveryQueueIsDone() {
    // 1 800 dead jobs in three queues, written straight into Redis (failing them takes too long):
    // a request does about a thousand, whole queues at a time.
    RedisClient client = RedisClient.create(redis.uri());
    try {
      RedisCommands<String, String> cli = client.connect().sync();
      for (String queue : List.of("dead-a", "dead-b", "dead-c")) {
        spool.enqueue(TestJobs.IDLE.withQueue(queue), noArgs); // the namespace lists the queue
        cli.eval(
            "for i = 1000, 1599 do"
                + " redis.call('HSET', KEYS[1] .. i, 't', 'dash-idle', 'a', '{}', 'n', '0',"
                + "  's', 'failed')"
                + " redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + i, i) end",
            ScriptOutputType.STATUS,
            new String[] {
              spool.namespace() + ":{" + queue + "}:job:",
              spool.namespace() + ":{" + queue + "}:dead"
            },
            Long.toString(System.currentTimeMillis()));
      }
    } finally {
      client.shutdown();
    }
    browser.get(dashboard.url() + "#/dead");
    await().atMost(WAIT).until(() -> text("main").contains("1800 dead"));

    click("button[data-action=dead-purge]");
    click("button.confirm-yes");

    await().atMost(WAIT).until(() -> text("flash-message").equals("1800 purged"));
    for (String queue : List.of("dead-a", "dead-b", "dead-c")) {
      assertThat(spool.deadJobs().size(queue)).as(queue).isZero();
    }
  }

  @Test
  void aCompletedCountIsKeptAndCountedAgainOnlyWhenTheDataChanges() {
    spool.enqueue(TestJobs.IDLE, noArgs);
    browser.get(dashboard.url());
    await().atMost(WAIT).until(() -> text("main").contains("Overview"));
    // Jobs answers as for a history of millions, whose count takes two requests ("≥ 12000",
    // then the whole of it); api/live, and so the data stamp, come from Redis. Every range the
    // page shows is recorded, however briefly.
    browser.executeScript(
        "const real = window.fetch;"
            + "window.jobsAsked = []; window.ranges = []; window.fullTotal = 2345678;"
            + "const json = (doc) => Promise.resolve(new Response(JSON.stringify(doc),"
            + " {status: 200, headers: {'Content-Type': 'application/json'}}));"
            + "const job = {id: 'dash-idle:1', queue: 'dash-idle', state: 'queued',"
            + " name: 'dash-idle', attempt: 0, progress: 0, node: null, killRequested: false,"
            + " args: '{}', lastError: null, recordedAt: null, updatedAt: null};"
            + "window.fetch = (url, options) => {"
            + " if (!String(url).startsWith('api/jobs?')) return real(url, options);"
            + " window.jobsAsked.push(String(url));"
            + " const p = new URLSearchParams(String(url).split('?')[1]);"
            + " const page = {limit: 50, next: null, jobs: [job]};"
            + " if (p.get('count') === 'false') return json(Object.assign(page, {total: null,"
            + "  totalComplete: null, totalDisplay: null, countCursor: null}));"
            + " if (!p.get('countCursor')) return json(Object.assign(page, {total: 12000,"
            + "  totalComplete: false, totalDisplay: '≥ 12000', countCursor: 'c1'}));"
            + " return json(Object.assign(page, {total: window.fullTotal, totalComplete: true,"
            + "  totalDisplay: String(window.fullTotal), countCursor: null})); };"
            + "new MutationObserver(() => {"
            + " const r = document.getElementById('jobs-range');"
            + " const t = r ? r.textContent : '';"
            + " if (t && t !== window.ranges[window.ranges.length - 1]) window.ranges.push(t);"
            + "}).observe(document.getElementById('main'),"
            + " {childList: true, subtree: true, characterData: true});");
    browser.executeScript("location.hash = '#/jobs?queue=dash-idle';");
    await().atMost(WAIT).until(() -> text("jobs-range").equals("1–1 of 2345678"));

    // The data changes (a job is enqueued): counted again, the count in hand shown meanwhile.
    browser.executeScript("window.fullTotal = 2345679;");
    spool.enqueue(TestJobs.IDLE, noArgs);
    await().atMost(WAIT).until(() -> text("jobs-range").equals("1–1 of 2345679"));

    List<?> ranges = (List<?>) browser.executeScript("return window.ranges;");
    List<?> afterTheCount = ranges.subList(ranges.indexOf("1–1 of 2345678"), ranges.size());
    assertThat(afterTheCount)
        .as("ranges shown: " + ranges)
        .noneMatch(r -> r.toString().contains("≥"));
    // And while the data stays as it is, the jobs are not counted again.
    await()
        .atMost(WAIT)
        .until(
            () ->
                String.valueOf(
                        browser.executeScript(
                            "return window.jobsAsked[window.jobsAsked.length - 1];"))
                    .contains("count=false"));
    assertThat(text("jobs-range")).isEqualTo("1–1 of 2345679");
  }

  @Test
  void aKillOfARunningJobSaysItIsRequestedAndThePageShowsItKilledOnceItsNodeStopsIt() {
    worker = jobs.start(spool.worker("node-1"));
    JobId id = spool.enqueue(TestJobs.STUBBORN, noArgs);
    await().atMost(WAIT).until(() -> state(id) == State.STARTED);
    browser.get(dashboard.url() + "#/job/" + id);
    await().atMost(WAIT).until(() -> shownState().equals("started"));

    click("button[data-action=kill]");
    click("button.confirm-yes");

    await().atMost(WAIT).until(() -> !text("flash-message").isEmpty());
    assertThat(text("flash-message"))
        .isEqualTo(
            "Kill requested: node node-1, which runs it, interrupts it; it shows as killed once"
                + " its handler stops");
    await().atMost(WAIT).until(() -> text("main").contains("kill requested"));
    assertThat(shownState()).isEqualTo("started");

    jobs.release.countDown();
    await().atMost(WAIT).until(() -> shownState().equals("killed"));
  }

  @Test
  void aBatchListsItsPartsInEveryQueueAPageAtATime() {
    // 60 parts in three queues; the batch itself is kept in a fourth (its callback's).
    var builder = spool.batch().onComplete(TestJobs.IDLE.withQueue("mail"), noArgs);
    for (int i = 0; i < 60; i++) {
      builder.add(
          TestJobs.IDLE.withQueue(List.of("images", "default", "dash-idle").get(i % 3)), noArgs);
    }
    var batch = builder.submit();
    List<String> parts =
        spool.statuses().all().batch(batch.id()).list().stream()
            .map(st -> st.id().toString())
            .toList();

    browser.get(dashboard.url() + "#/batches?id=" + batch.id());

    await().atMost(WAIT).until(() -> text("parts-range").equals("1–50 of 60 parts"));
    List<String> firstPage = shownParts();
    assertThat(firstPage).containsExactlyElementsOf(parts.subList(0, 50));
    assertThat(text("parts")).contains("queued", "dash-idle");
    assertThat(browser.findElement(By.cssSelector("#parts a.job-link")).getAttribute("href"))
        .endsWith(
            "#/job/"
                + java.net.URLEncoder.encode(
                    parts.get(0), java.nio.charset.StandardCharsets.UTF_8));
    click("#parts-older");
    await().atMost(WAIT).until(() -> text("parts-range").equals("51–60 of 60 parts"));
    assertThat(shownParts()).containsExactlyElementsOf(parts.subList(50, 60));

    click("#parts-jobs");
    await()
        .atMost(WAIT)
        .until(() -> browser.findElements(By.cssSelector("#jobs tr[data-id]")).size() == 50);
    assertThat(browser.findElement(By.name("batch")).getAttribute("value")).isEqualTo(batch.id());
    assertThat(text("jobs-range")).isEqualTo("1–50 of 60");
    Browser.screenshot(browser, "batch");
  }

  @Test
  void everyPageAsksTheApiOnlyForParametersItTakes() {
    worker = jobs.start(spool.worker("node-1"));
    JobId dead = spool.enqueue(TestJobs.FLAKY, noArgs);
    var batch = spool.batch().add(TestJobs.IDLE, noArgs).add(TestJobs.IDLE, noArgs).submit();
    spool.recurring("hourly", Schedule.every(Duration.ofHours(1)), TestJobs.IDLE, noArgs);
    await().atMost(WAIT).until(() -> state(dead) == State.FAILED);
    browser.get(dashboard.url() + "#/recurring");
    await().atMost(WAIT).until(() -> text("main").contains("hourly"));
    browser.executeScript(
        "window.answered = []; const real = window.fetch;"
            + "window.fetch = (url, options) => real(url, options).then((r) => {"
            + " window.answered.push(r.status + ' ' + url); return r; });");

    // Every page, and each filter of the jobs page set (the next pages' cursors are followed by
    // the tests of those pages).
    for (String page :
        List.of(
            "#/",
            "#/jobs?state=queued,failed&queue=dash-idle&name=dash-idle&arg=x&batch="
                + batch.id()
                + "&timestamp=queued_at&from=2026-01-01T00:00:00Z&to=2099-01-01T00:00:00Z",
            "#/job/" + dead,
            "#/dead",
            "#/dead?queue=dash-flaky",
            "#/recurring",
            "#/batches?id=" + batch.id(),
            "#/batches?token=nosuchtoken")) {
      browser.executeScript("location.hash = arguments[0];", page);
      await().atMost(WAIT).until(() -> !text("main").contains("Loading"));
      // At least one poll of each page.
      long asked = answeredCount();
      await().atMost(WAIT).until(() -> answeredCount() > asked + 1);
    }

    List<?> answered = (List<?>) browser.executeScript("return window.answered;");
    assertThat(answered).isNotEmpty();
    assertThat(answered.stream().map(String::valueOf))
        .as("answers to the pages' requests")
        .noneMatch(a -> a.startsWith("400 "));
    assertThat(answered.stream().map(String::valueOf))
        .anyMatch(a -> a.contains("api/jobs?") && a.contains("batch="))
        .anyMatch(a -> a.contains("api/jobs/") && a.contains("/log?"))
        .anyMatch(a -> a.contains("api/dead?"));
  }

  private long answeredCount() {
    return ((Number) browser.executeScript("return window.answered.length;")).longValue();
  }

  private List<String> shownParts() {
    List<?> ids =
        (List<?>)
            browser.executeScript(
                "return [...document.querySelectorAll('#parts tr[data-id]')]"
                    + ".map((r) => r.dataset.id);");
    return ids.stream().map(String::valueOf).toList();
  }

  @Test
  void aRunningJobIsKilledFromItsPage() {
    worker = jobs.start(spool.worker("node-1"));
    JobId id = spool.enqueue(TestJobs.BLOCK, noArgs);
    await().atMost(WAIT).until(() -> state(id) == State.STARTED);

    browser.get(dashboard.url() + "#/job/" + id);
    await().atMost(WAIT).until(() -> shownState().equals("started"));
    Browser.screenshot(browser, "job-running");
    click("button[data-action=kill]");
    click("button.confirm-yes");

    await().atMost(WAIT).until(() -> shownState().equals("killed"));
    assertThat(state(id)).isEqualTo(State.KILLED);
  }

  @Test
  void aRunningJobsPageReadsOnlyTheLogLinesAddedSinceAndShowsTheNewest() throws Exception {
    worker = jobs.start(spool.worker("node-1"));
    // 1 200 lines logged, the newest 1 000 kept: 1 MB of log.
    JobId id =
        spool.enqueue(
            TestJobs.CHATTY, new ObjectMapper().readTree("{\"lines\": 1200, \"width\": 1000}"));
    await().atMost(WAIT).until(() -> spool.statuses().logTail(id, 1).added() == 1200);
    browser.get(dashboard.url() + "#/job/" + id);
    await().atMost(WAIT).until(() -> text("job-log").contains("line 1199 "));
    browser.executeScript(
        "window.received = 0;"
            + "const real = window.fetch;"
            + "window.fetch = (url, options) => real(url, options).then((r) => {"
            + " r.clone().text().then((t) => { window.received += t.length; }); return r; });");

    jobs.toLog.add("a fresh <b>line</b>");

    await().atMost(WAIT).until(() -> text("job-log").contains("a fresh <b>line</b>"));
    await().atMost(WAIT).until(() -> received() > 0);
    // Seconds of polling a running job: its state and the new line, never the 1 MB again.
    assertThat(received()).isLessThan(50_000);
    long shown = browser.findElements(By.cssSelector("#job-log .log-line")).size();
    assertThat(shown).isLessThanOrEqualTo(1000);
    assertThat(text("job-log-note")).contains("older ones are not shown");
    assertThat(browser.findElements(By.cssSelector("#job-log b"))).isEmpty();
    spool.statuses().find(id).orElseThrow().requestKill();
  }

  @Test
  void aQueueIsDrainedAndANodeQuietedFromTheOverview() {
    worker = jobs.start(spool.worker("node-1"));
    List<JobId> waiting = spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs));
    JobId later =
        spool.enqueue(
            TestJobs.IDLE, noArgs, JobOptions.builder().delay(Duration.ofHours(1)).build());
    String drain = "#queues tr[data-queue=dash-idle] button[data-action=drain]";
    String withScheduled = "#queues tr[data-queue=dash-idle] button[data-action=drain-scheduled]";
    String quiet = "#nodes tr[data-node=node-1] button[data-action=quiet]";

    browser.get(dashboard.url());
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(drain)).isEmpty());
    click(drain);
    click("#queues button.confirm-yes");
    await().atMost(WAIT).until(() -> waiting.stream().allMatch(id -> state(id) == State.KILLED));
    assertThat(state(later)).isEqualTo(State.SCHEDULED); // Drain leaves the scheduled ones

    await()
        .atMost(WAIT)
        .until(() -> !browser.findElements(By.cssSelector(withScheduled)).isEmpty());
    click(withScheduled);
    click("#queues button.confirm-yes");
    await().atMost(WAIT).until(() -> state(later) == State.KILLED);

    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(quiet)).isEmpty());
    click(quiet);
    click("#nodes button.confirm-yes");
    await().atMost(WAIT).until(() -> spool.monitor().nodes().getFirst().quiet());
    await()
        .atMost(WAIT)
        .until(
            () ->
                !browser
                    .findElements(By.cssSelector("#nodes tr[data-node=node-1] [data-quiet]"))
                    .isEmpty());
  }

  @Test
  void anActionsRefusalStaysInSightWhileTheOverviewRedrawsEverySecond() {
    worker = jobs.start(spool.worker("node-1"));
    String quiet = "#nodes tr[data-node=node-1] button[data-action=quiet]";
    browser.get(dashboard.url());
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(quiet)).isEmpty());
    // The node stops between the page's last read and the click: the server refuses with a 404.
    // Meanwhile jobs keep arriving, so the overview's numbers change and it redraws each second.
    browser.executeScript(
        "const real = window.fetch;"
            + "window.fetch = (url, options) => String(url).startsWith('api/nodes/quiet')"
            + " ? Promise.resolve(new Response(JSON.stringify({error: \"no live node 'node-1'\"}),"
            + "   {status: 404, headers: {'Content-Type': 'application/json'}}))"
            + " : real(url, options);");
    click(quiet);
    click("#nodes button.confirm-yes");
    await().atMost(WAIT).until(() -> text("main").contains("no live node 'node-1'"));

    for (int i = 1; i <= 3; i++) {
      spool.enqueue(TestJobs.IDLE, noArgs);
      long ready = i;
      await().atMost(WAIT).until(() -> cell("dash-idle", "ready") == ready); // redrawn
    }

    assertThat(text("flash")).contains("no live node 'node-1'");
    assertThat(browser.findElement(By.id("flash")).getAttribute("class")).contains("error");
  }

  @Test
  void aQueueIsPausedFromTheOverviewAfterAConfirmation() {
    spool.enqueue(TestJobs.IDLE, noArgs);
    String pause = "#queues tr[data-queue=dash-idle] button[data-action=pause]";

    browser.get(dashboard.url());
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(pause)).isEmpty());
    click(pause);
    assertThat(spool.queue("dash-idle").isPaused()).isFalse(); // asked first
    click("#queues button.confirm-yes");

    await().atMost(WAIT).until(() -> spool.queue("dash-idle").isPaused());
    await()
        .atMost(WAIT)
        .until(
            () ->
                !browser
                    .findElements(By.cssSelector("#queues tr[data-queue=dash-idle] [data-paused]"))
                    .isEmpty());
    Browser.screenshot(browser, "overview-paused");
  }

  @Test
  void pausingAQueueSomeoneElsePausedMeanwhileSaysSo() {
    spool.enqueue(TestJobs.IDLE, noArgs);
    String pause = "#queues tr[data-queue=dash-idle] button[data-action=pause]";
    browser.get(dashboard.url());
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(pause)).isEmpty());

    spool.queue("dash-idle").pause(); // from the command line, say: the page shows it within 10 s
    click(pause);
    click("#queues button.confirm-yes");

    await().atMost(WAIT).until(() -> !text("flash").isEmpty());
    assertThat(text("flash")).contains("dash-idle was paused already");
  }

  @Test
  void scriptInArgumentsIsShownAsTextAndNeverRuns() throws Exception {
    String script = "<script>alert(1)</script>";
    String img = "\"><img src=x onerror=alert(1)>";
    JsonNode args = new ObjectMapper().valueToTree(Map.of("a", script, "b", img));
    JobId id = spool.enqueue(TestJobs.IDLE, args);
    spool.statuses().find(id).orElseThrow().jobArgs(Map.of("x", img)).addError(script);

    browser.get(dashboard.url() + "#/jobs?queue=dash-idle");
    await()
        .atMost(WAIT)
        .until(() -> !browser.findElements(By.cssSelector("#jobs tr[data-id]")).isEmpty());
    String listed = text("jobs");
    assertThat(browser.findElements(By.cssSelector("button[data-action=bulk-kill]"))).hasSize(1);
    Browser.screenshot(browser, "jobs");
    browser.get(dashboard.url() + "#/job/" + id);
    await().atMost(WAIT).until(() -> shownState().equals("queued"));
    String shown = text("job-args");
    String errors = text("job-errors");

    assertThat(listed).contains(script.replace("\"", "\\\""), "<img src=x onerror=alert(1)>");
    assertThat(shown).contains(script, "<img src=x onerror=alert(1)>");
    assertThat(errors).contains(script);
    assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("main script"))).isEmpty();
    assertThatThrownBy(() -> browser.switchTo().alert())
        .isInstanceOf(NoAlertPresentException.class);
  }

  @Test
  void anActionPostedWithoutTheCsrfTokenIsRefused() {
    JobId id = spool.enqueue(TestJobs.IDLE, noArgs);
    browser.get(dashboard.url());

    Object status =
        browser.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('api/jobs/' + encodeURIComponent(arguments[0]) + '/cancel', {method: 'POST'})"
                + ".then(r => done(r.status), e => done(String(e)));",
            id.toString());

    assertThat(status).isEqualTo(403L);
    assertThat(state(id)).isEqualTo(State.QUEUED);
  }

  @Test
  void boundBeyondLoopbackItAsksForTheToken() {
    String token = "browser; token,1"; // characters a cookie value cannot hold
    try (SpoolDashboard open =
        SpoolDashboard.builder()
            .spool(spool)
            .bind("0.0.0.0")
            .port(0)
            .token(token)
            .build()
            .start()) {
      browser.get(open.url() + "#/recurring"); // a deep link, kept through the login
      await().atMost(WAIT).until(() -> !browser.findElements(By.id("token")).isEmpty());
      assertThat(browser.findElements(By.id("queues"))).isEmpty();
      Browser.screenshot(browser, "login");
      browser.findElement(By.id("token")).sendKeys("wrong-token");
      click("button[type=submit]");
      await()
          .atMost(WAIT)
          .until(() -> browser.findElement(By.tagName("body")).getText().contains("not right"));
      browser.findElement(By.id("token")).sendKeys(token);
      click("button[type=submit]");

      await()
          .atMost(WAIT)
          .until(
              () ->
                  text("main").contains("Recurring jobs")
                      && browser.findElements(By.id("token")).isEmpty());
      assertThat(browser.getCurrentUrl()).endsWith("/#/recurring");
      click("#sign-out");
      await().atMost(WAIT).until(() -> !browser.findElements(By.id("token")).isEmpty());
      browser.get(open.url());
      await().atMost(WAIT).until(() -> !browser.findElements(By.id("token")).isEmpty());
    }
  }

  @Test
  void listsDropWhatWasRemovedElsewhereAndTheirTimesGoOn() {
    spool.recurring("nightly", Schedule.every(Duration.ofHours(1)), TestJobs.IDLE, noArgs);
    spool.recurring(
        "hourly",
        Schedule.every(Duration.ofHours(1)),
        TestJobs.IDLE,
        noArgs,
        JobOptions.builder().node("node-a").notNode("node-b").priority(3).build());
    browser.get(dashboard.url() + "#/recurring");
    await()
        .atMost(WAIT)
        .until(() -> browser.findElements(By.cssSelector("#recurring tr[data-name]")).size() == 2);
    assertThat(text("recurring")).contains("every 1h");
    assertThat(
            browser
                .findElement(By.cssSelector("#recurring tr[data-name='hourly'] .runs-on"))
                .getText())
        .isEqualTo("node-a, not node-b · priority 3");
    assertThat(
            browser
                .findElement(By.cssSelector("#recurring tr[data-name='nightly'] .runs-on"))
                .getText())
        .isEqualTo("any node");

    spool.cancelRecurring("nightly"); // changes no queue's counts: the stamp stays

    await()
        .atMost(WAIT)
        .until(() -> browser.findElements(By.cssSelector("#recurring tr[data-name]")).size() == 1);

    spool.enqueue(TestJobs.IDLE, noArgs);
    browser.get(dashboard.url() + "#/jobs?queue=dash-idle");
    await()
        .atMost(WAIT)
        .until(() -> !browser.findElements(By.cssSelector("#jobs tr[data-id]")).isEmpty());
    String first = jobsTime();
    await().atMost(WAIT).until(() -> !jobsTime().equals(first)); // "3 s ago", "4 s ago", …
  }

  @Test
  void aRedisOutageIsShownAndAPageOpenedDuringItLoadsOnceRedisIsBack() {
    try (SpoolRedis own = SpoolRedis.dedicated();
        Spool onOwn =
            Spool.builder()
                .redis(own.uri())
                .namespace(SpoolRedis.namespace())
                .commandTimeout(Duration.ofSeconds(1))
                .build();
        SpoolDashboard d = SpoolDashboard.builder().spool(onOwn).port(0).build().start()) {
      onOwn.enqueue(TestJobs.IDLE, noArgs);
      browser.get(d.url());
      await().atMost(WAIT).until(() -> !browser.findElements(By.id("queues")).isEmpty());

      own.stop();
      await()
          .atMost(WAIT)
          .until(() -> outage().matches("Redis unreachable — numbers from \\d\\d:\\d\\d:\\d\\d.*"));
      assertThat(browser.findElements(By.id("queues"))).hasSize(1); // the last numbers stay
      assertThat(text("live")).isEqualTo("stale");
      Browser.screenshot(browser, "outage");

      browser.get(d.url() + "#/recurring"); // first opened while Redis is down
      await().atMost(WAIT).until(() -> outage().contains("nothing loaded yet"));
      own.start();

      await().atMost(WAIT).until(() -> text("main").contains("No recurring jobs"));
      await().atMost(WAIT).until(() -> outage().isEmpty());
      assertThat(text("live")).isEqualTo("live");
    }
  }

  @Test
  void aMalformedAddressSaysSo() {
    browser.get(dashboard.url() + "#/job/%E0%A4%A");

    await().atMost(WAIT).until(() -> text("main").contains("cannot be read"));
    assertThat(text("main")).doesNotContain("Loading");
  }

  @Test
  void theNamespaceShowsOnEveryPage() {
    browser.get(dashboard.url() + "#/jobs");

    await().atMost(WAIT).until(() -> text("namespace").equals("namespace " + spool.namespace()));
  }

  @Test
  void aFinishedJobsPageIsNeitherReReadNorRedrawnEverySecond() {
    worker = jobs.start(spool.worker("node-1"));
    JobId id = spool.enqueue(TestJobs.FLAKY, noArgs);
    await().atMost(WAIT).until(() -> state(id) == State.FAILED);
    browser.get(dashboard.url() + "#/job/" + id);
    await().atMost(WAIT).until(() -> shownState().equals("failed"));
    // The handler's log line, as text (its markup is not markup).
    assertThat(text("job-log")).contains("#0  checking <b>the</b> book");
    browser.executeScript(
        "document.getElementById('job-errors').dataset.drawn = 'first';"
            + "window.requested = [];"
            + "const real = window.fetch;"
            + "window.fetch = (url, options) => { window.requested.push(String(url));"
            + " return real(url, options); };");

    // Each second the page asks whether anything changed, not for the job.
    await().atMost(WAIT).until(() -> requested("api/live") >= 4);
    assertThat(requested("api/jobs/")).isLessThanOrEqualTo(1); // the slow periodic re-read
    Object drawn =
        browser.executeScript("return document.getElementById('job-errors').dataset.drawn;");
    assertThat(drawn).isEqualTo("first"); // the same elements: a selection in them would stay
  }

  @Test
  void theJobsFilterKeepsWhatTheUserChoseAndNothingElse() {
    spool.enqueue(TestJobs.IDLE, noArgs);
    browser.get(dashboard.url() + "#/jobs?state=queued,started&queue=dash-idle");
    await()
        .atMost(WAIT)
        .until(() -> !browser.findElements(By.cssSelector("#jobs tr[data-id]")).isEmpty());

    assertThat(browser.findElement(By.name("state")).getAttribute("value"))
        .isEqualTo("queued,started");
    assertThat(browser.findElement(By.cssSelector("form.filters")).getText())
        .contains("indexed job arg")
        .doesNotContain("argument");
    click("form.filters button[type=submit]");

    await()
        .atMost(WAIT)
        .until(
            () ->
                String.valueOf(browser.executeScript("return location.hash;"))
                    .equals("#/jobs?state=queued%2Cstarted&queue=dash-idle"));
  }

  @Test
  void aRecurringJobNamedDotDotIsCancelledFromTheUi() {
    spool.recurring("..", Schedule.every(Duration.ofHours(1)), TestJobs.IDLE, noArgs);
    browser.get(dashboard.url() + "#/recurring");
    String cancel = "#recurring tr[data-name='..'] button[data-action=cancel-recurring]";
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(cancel)).isEmpty());

    click(cancel);
    click("#recurring button.confirm-yes");

    await().atMost(WAIT).until(() -> spool.recurringJobs().isEmpty());
  }

  @Test
  void aDeadNodeShowsNotRunningAndTheDeadSetPagesByCursor() {
    browser.get(dashboard.url());
    await().atMost(WAIT).until(() -> text("main").contains("Overview"));
    // Answers the browser sees for a dead node that reported 2 of 2 busy, and for a dead set of
    // 20 000: neither is cheap to make in Redis.
    browser.executeScript(
        "const real = window.fetch;"
            + "window.deadAsked = [];"
            + "const json = (doc) => Promise.resolve(new Response(JSON.stringify(doc),"
            + " {status: 200, headers: {'Content-Type': 'application/json'}}));"
            + "window.fetch = (url, options) => {"
            + " if (String(url) === 'api/overview') return json({namespace: 'x', queues: [],"
            + "  totals: {}, stamp: 'a', nodes: [{name: 'gone', host: 'h', pid: 1, queues: ['q'],"
            + "  concurrency: 2, busy: 2, startedAt: null, lastHeartbeat: null, alive: false,"
            + "  jobs: []}]});"
            + " if (String(url).startsWith('api/dead?')) { window.deadAsked.push(String(url));"
            + "  return json({total: 20000, limit: 50, next: 'd1:q=9050', jobs: [{id: 'q:7',"
            + "  queue: 'q', type: 't', attempt: 0, diedAt: null, args: null, error: null}]}); }"
            + " return real(url, options); };");

    await().atMost(WAIT).until(() -> text("nodes").contains("gone"));
    assertThat(text("nodes")).contains("not running").doesNotContain("2 / 2");

    // Same page, same stub: 9 000 deep, as "older →" leaves it.
    browser.executeScript("location.hash = '#/dead?cursor=d1%3Aq%3D9000&shown=9000';");
    await().atMost(WAIT).until(() -> text("dead-range").equals("9001–9001 of 20000"));
    click("#dead-older");

    await().atMost(WAIT).until(() -> text("dead-range").equals("9002–9002 of 20000"));
    Object asked = browser.executeScript("return window.deadAsked[window.deadAsked.length - 1];");
    assertThat(String.valueOf(asked)).contains("cursor=d1%3Aq%3D9050").doesNotContain("offset");
  }

  private String outage() {
    Object text =
        browser.executeScript(
            "const e = document.getElementById('outage'); return e.hidden ? '' : e.textContent;");
    return String.valueOf(text);
  }

  private long received() {
    return ((Number) browser.executeScript("return window.received;")).longValue();
  }

  private long requested(String prefix) {
    Object n =
        browser.executeScript(
            "return window.requested.filter((u) => u.startsWith(arguments[0])).length;", prefix);
    return ((Number) n).longValue();
  }

  private String jobsTime() {
    Object text =
        browser.executeScript(
            "const t = document.querySelector('#jobs time'); return t.textContent;");
    return String.valueOf(text);
  }

  /** Clicks an element, found again if the page redrew it meanwhile. */
  private void click(String css) {
    await()
        .atMost(WAIT)
        .ignoreException(StaleElementReferenceException.class)
        .until(
            () -> {
              browser.findElement(By.cssSelector(css)).click();
              return true;
            });
  }

  /** A count on the overview; read in one script, as the page redraws itself every second. */
  private long cell(String queue, String column) {
    return Long.parseLong(cellText(queue, column));
  }

  /** A cell of the overview's queues, as shown; "-1" when there is none. */
  private String cellText(String queue, String column) {
    Object text =
        browser.executeScript(
            "const row = [...document.querySelectorAll('#queues tr[data-queue]')]"
                + ".find(r => r.dataset.queue === arguments[0]);"
                + "const td = row && row.querySelector('td.' + arguments[1]);"
                + "return td ? td.textContent : '-1';",
            queue,
            column);
    return String.valueOf(text).strip();
  }

  private String text(String id) {
    Object text =
        browser.executeScript(
            "const e = document.getElementById(arguments[0]); return e ? e.textContent : '';", id);
    return String.valueOf(text);
  }

  private String shownState() {
    Object state =
        browser.executeScript(
            "const e = document.getElementById('job-state'); return e ? e.dataset.state : '';");
    return String.valueOf(state);
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
