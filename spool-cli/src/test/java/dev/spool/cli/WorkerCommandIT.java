package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobStatus;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class WorkerCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ObjectMapper mapper = new ObjectMapper();
  private String ns;
  private Spool spool;
  private Cli cli;

  @BeforeEach
  void connect() {
    ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void runsTheJobsOfTheHandlersOnTheClassPathUntilStopped() throws Exception {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{\"n\":" + i + "}")));
    }
    JobId failing =
        spool.enqueue(
            TestJobHandlers.FAIL,
            mapper.readTree("{}"),
            JobOptions.builder().retry(Retry.none()).build());

    Cli.Background worker = cli.worker("--name", "cli-node", "--concurrency", "3");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ids.stream().allMatch(id -> state(id) == State.SUCCEEDED));
    await().atMost(Duration.ofSeconds(30)).until(() -> state(failing) == State.FAILED);
    assertThat(worker.command().isRunning()).isTrue();
    Cli.Run run = worker.stop();

    run.ok();
    assertThat(run.out)
        .contains("worker cli-node started")
        .contains("concurrency  3")
        .contains(TestJobHandlers.class.getName());
    assertThat(run.err)
        .contains("spool: stopping node \"cli-node\": waiting for 0 running jobs (up to 25s)")
        .contains("spool: node \"cli-node\" stopped: 0 finished, 0 handed back")
        .doesNotContain("Ctrl-C again"); // stopped from within, not by Ctrl-C
    assertThat(worker.command().isRunning()).isFalse();
    assertThat(spool.statuses().find(ids.get(2)).orElseThrow().result().get("echo"))
        .isEqualTo(java.util.Map.of("n", 2));
    assertThat(spool.deadJobs().size("default")).isEqualTo(1);
  }

  /**
   * SIGTERM's shutdown hook waited at most 60 s for the stop whatever --shutdown-timeout said: the
   * JVM then halted while running handlers still had time, cutting them off without handing their
   * jobs back, and the stop's summary was never printed.
   */
  @Test
  void sigtermWaitsForTheWholeShutdownTimeoutAndThenSome() throws Exception {
    Cli.Background worker = cli.worker("--name", "patient", "--shutdown-timeout", "2m");
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.command().isRunning());

    assertThat(worker.command().sigtermWait())
        .isGreaterThanOrEqualTo(
            Duration.ofMinutes(2) // the running handlers' time
                .plus(WorkerCommand.STOP_OUTCOMES_BOUND) // writing their outcomes
                .plus(Spool.Builder.DEFAULT_COMMAND_TIMEOUT)); // a call Redis may not answer
    worker.stop().ok();
  }

  @Test
  void noKeepSucceededDeletesJobsAsTheySucceed() throws Exception {
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{\"n\":" + i + "}")));
    }
    Cli.Background worker = cli.worker("--name", "n1", "--no-keep-succeeded");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> spool.monitor().counts("default").completed() == 3);
    worker.stop().ok();
    assertThat(ids).allMatch(id -> spool.statuses().find(id).isEmpty());
  }

  @Test
  void retentionAndDeadSetBoundsApplyToWhatTheNodeEnds() throws Exception {
    JobId ok = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{}"));
    JobOptions once = JobOptions.builder().retry(Retry.none()).build();
    List<JobId> failing = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      failing.add(spool.enqueue(TestJobHandlers.FAIL, mapper.readTree("{}"), once));
    }
    Cli.Background worker =
        cli.worker("--name", "bounds", "--retention", "1h", "--dead-max-size", "2");
    // A dead job beyond the bound is deleted with its status.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                state(ok) == State.SUCCEEDED
                    && failing.stream()
                        .allMatch(
                            id ->
                                spool.statuses().find(id).map(JobStatus::state).orElse(State.FAILED)
                                    == State.FAILED));
    worker.stop().ok();
    assertThat(spool.deadJobs().size("default")).isEqualTo(2);
    assertThat(failing).filteredOn(id -> spool.statuses().find(id).isEmpty()).hasSize(2);
    // The status lives for the retention plus a grace period as long (at most a day): 2 h here,
    // against 8 days by default.
    RedisClient client = RedisClient.create(redis.uri());
    try (var connection = client.connect()) {
      long ttl = connection.sync().ttl(ns + ":{default}:job:" + ok.number());
      assertThat(ttl).isBetween(3_600L, 7_200L);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aDeadSetBoundBelowOneIsBadUsage() {
    Cli.Run run = cli.run("worker", "--dead-max-size", "0");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--dead-max-size must be at least 1, got 0");
  }

  @Test
  void platformThreadsRunTheHandlersWhenAsked() throws Exception {
    JobId onVirtual = spool.enqueue(TestJobHandlers.THREAD, mapper.readTree("{}"));
    Cli.Background worker = cli.worker("--name", "vt");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(onVirtual) == State.SUCCEEDED);
    worker.stop().ok();
    JobId onPlatform = spool.enqueue(TestJobHandlers.THREAD, mapper.readTree("{}"));
    worker = cli.worker("--name", "pt", "--platform-threads");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(onPlatform) == State.SUCCEEDED);
    worker.stop().ok();
    assertThat(threadOf(onVirtual)).isEqualTo("virtual");
    assertThat(threadOf(onPlatform)).startsWith("spool-handler-pt-");
  }

  private String threadOf(JobId id) {
    return (String) spool.statuses().find(id).orElseThrow().result().get("thread");
  }

  @Test
  void fetchesOnlyFromTheGivenQueues() throws Exception {
    JobId mail =
        spool.enqueue(
            TestJobHandlers.ECHO,
            mapper.readTree("{}"),
            JobOptions.builder().queue("mail").build());
    JobId other =
        spool.enqueue(
            TestJobHandlers.ECHO,
            mapper.readTree("{}"),
            JobOptions.builder().queue("other").build());

    Cli.Background worker = cli.worker("--queues", "mail,default", "--name", "n1");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(mail) == State.SUCCEEDED);
    Cli.Run run = worker.stop();

    run.ok();
    assertThat(run.out).contains("queues       mail, default");
    assertThat(state(other)).isEqualTo(State.QUEUED);
  }

  @Test
  void printsOneJsonDocumentWhenItStarts() throws Exception {
    Cli.Background worker =
        cli.worker("--name", "json-node", "--queues", "default", "--lease", "10s", "--json");
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.command().isRunning());
    Cli.Run run = worker.stop();

    run.ok();
    JsonNode doc = run.json();
    assertThat(doc.get("name").asText()).isEqualTo("json-node");
    assertThat(doc.get("queues").get(0).asText()).isEqualTo("default");
    assertThat(doc.get("concurrency").asInt()).isEqualTo(10);
    assertThat(doc.get("lease").asText()).isEqualTo("10s");
    assertThat(doc.get("namespace").asText()).isEqualTo(ns);
    assertThat(doc.get("handlers").get(0).asText()).isEqualTo(TestJobHandlers.class.getName());
    assertThat(run.err).contains("spool: node \"json-node\" stopped");
  }

  @Test
  void aMissingJarInSpoolClasspathIsNamed(@TempDir Path dir) throws Exception {
    Path jar = Files.createFile(dir.resolve("handlers.jar"));
    String classPath = jar + ":" + dir.resolve("hanlders-typo.jar") + ":" + dir.resolve("nope/*");

    Cli.Run run = cli.workerWithClassPath(classPath, "--name", "n1").await();

    assertThat(run.code).isEqualTo(1);
    assertThat(run.err.strip())
        .isEqualTo(
            "spool: SPOOL_CLASSPATH names jars or folders that do not exist: "
                + dir.resolve("hanlders-typo.jar")
                + ", "
                + dir.resolve("nope/*"));
  }

  @Test
  void withoutHandlersOnTheClassPathItFailsClearly() throws Exception {
    // A class loader that sees no META-INF/services/dev.spool.cli.JobHandlers at all.
    ClassLoader empty = new ClassLoader(null) {};
    Cli.Run run = cli.worker(empty, "--name", "n1").await();

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip().lines()).hasSize(1);
    assertThat(run.err)
        .startsWith("spool: no job handlers on the class path")
        .contains("dev.spool.cli.JobHandlers");
  }

  @Test
  void aBadConcurrencyIsBadUsage() {
    Cli.Run run = cli.run("worker", "--concurrency", "0");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--concurrency must be in [1, 10000], got 0");
  }

  @Test
  void aMaxHandBacksOutOfBoundsIsBadUsage() {
    Cli.Run run = cli.run("worker", "--max-hand-backs", "-1");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--max-hand-backs must be in [0, 1000], got -1");
  }

  @Test
  void aNameNoNodeMayHaveIsBadUsage() {
    for (String bad : new String[] {"a|b", " ", ""}) {
      Cli.Run run = cli.run("worker", "--name", bad);

      assertThat(run.code).as(bad).isEqualTo(2);
      assertThat(run.err)
          .as(bad)
          .contains("--name must be 1 to 200 characters, not only blanks, and without '|'");
    }
  }

  @Test
  void aBadQueueNameIsBadUsage() {
    Cli.Run run = cli.run("worker", "--queues", "ok,not ok");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("invalid queue name 'not ok'");
  }

  @Test
  void queuesThatNameNoQueueAreBadUsage() {
    Cli.Run run = cli.run("worker", "--queues", ",");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--queues names no queue");
  }

  @Test
  void aBadQueueWeightIsBadUsage() {
    Cli.Run run = cli.run("worker", "--queues", "critical=6,low=none");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--queues: weight of 'low' must be 1 to 1000, got 'none'");
  }

  @Test
  void aQueueListedTwiceIsBadUsage() {
    for (String queues : new String[] {"a,a", "a=6,b,a=3"}) {
      Cli.Run run = cli.run("worker", "--queues", queues);

      assertThat(run.code).as(queues).isEqualTo(2);
      assertThat(run.err).contains("--queues names 'a' twice: list each queue once");
    }
  }

  @Test
  void fetchesByWeightFromTheWeightedQueues() throws Exception {
    JobOptions low = JobOptions.builder().queue("low").build();
    JobOptions critical = JobOptions.builder().queue("critical").build();
    JobId lowJob = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{}"), low);
    JobId criticalJob = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{}"), critical);

    Cli.Background worker = cli.worker("--name", "n1", "--queues", "critical=6,low=1");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> state(lowJob) == State.SUCCEEDED && state(criticalJob) == State.SUCCEEDED);
    Cli.Run run = worker.stop();
    run.ok();
    assertThat(run.out)
        .contains("critical (weight 6), low (weight 1)")
        .doesNotContain("critical=6");
  }

  @Test
  void theJsonOfAStartedNodeHasItsQueueWeights() throws Exception {
    Cli.Background worker = cli.worker("--name", "n2", "--queues", "critical=6,low=1", "--json");
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.out().toString().contains("}"));
    Cli.Run run = worker.stop();
    run.ok();

    JsonNode started = mapper.readTree(run.out.lines().findFirst().orElseThrow());
    assertThat(started.get("queues")).isEqualTo(mapper.readTree("[\"critical\",\"low\"]"));
    assertThat(started.get("weights")).isEqualTo(mapper.readTree("{\"critical\":6,\"low\":1}"));
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
