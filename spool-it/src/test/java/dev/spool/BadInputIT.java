package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Greeting;
import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input gets a clear error, and no job is lost. */
class BadInputIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  /** Writes a job as another tool might, bypassing the client's checks. */
  private JobId plant(String type, String args) {
    var r = f.redis();
    long n = r.incr(f.namespace + ":{work}:seq");
    JobId id = new JobId("work", n);
    r.hset(f.jobKey(id), Map.of("t", type, "a", args, "s", "queued", "n", "0"));
    r.rpush(f.namespace + ":{work}:ready", Long.toString(n));
    r.sadd(f.namespace + ":queues", "work");
    return id;
  }

  @Test
  void aMalformedPayloadGoesToTheDeadSetAndTheWorkerKeepsRunning() {
    JobId bad = plant("noop", "{\"n\": 1, oops");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    DeadJob dead = f.spool.deadJobs().list("work", 0, 1).getFirst();
    assertThat(dead.id()).isEqualTo(bad);
    assertThat(dead.attempt()).as("dead at once, no retry").isZero();
    assertThat(dead.error()).contains("MalformedPayload").contains("arguments are not valid JSON");

    f.spool.enqueue(NOOP, new Noop(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(2));
  }

  @Test
  void headersAnotherProducerWroteInAnotherShapeAreLeftOutAndTheJobRuns() {
    // A trace context is an aid: a producer in another language that writes it as a list, or with
    // a value that is no string, must not cost the job its run (it was dead as MalformedJob).
    JobId listed = plant("noop", "{\"n\": 1}");
    f.redis().hset(f.jobKey(listed), "o", "{\"headers\":[\"traceparent=00-ab-cd-01\"]}");
    JobId mixed = plant("noop", "{\"n\": 2}");
    f.redis()
        .hset(
            f.jobKey(mixed),
            "o",
            "{\"timeoutMs\":60000,\"headers\":{\"traceparent\":{\"v\":1},\"baggage\":\"k=v\"}}");
    Map<JobId, Map<String, String>> headers = new java.util.concurrent.ConcurrentHashMap<>();
    JobInterceptor seeHeaders =
        new JobInterceptor() {
          @Override
          public void aroundRun(JobEvent job, Map<String, String> stored, Attempt proceed)
              throws Exception {
            headers.put(job.id(), stored);
            proceed.run();
          }
        };
    try (Spool seeing =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).interceptor(seeHeaders).build()) {
      seeing.worker("node-1").handle(NOOP, (job, a) -> {}).start();

      assertThat(f.spool.outcome(listed).join().state()).isEqualTo(State.SUCCEEDED);
      assertThat(f.spool.outcome(mixed).join().state()).isEqualTo(State.SUCCEEDED);
      assertThat(headers.get(listed)).isEmpty();
      assertThat(headers.get(mixed)).containsExactly(Map.entry("baggage", "k=v"));
    }
  }

  @Test
  void aJobWithoutTypeIsDeadWithAClearError() {
    var r = f.redis();
    long n = r.incr(f.namespace + ":{work}:seq");
    r.hset(f.namespace + ":{work}:job:" + n, Map.of("a", "{}", "s", "queued", "n", "0"));
    r.rpush(f.namespace + ":{work}:ready", Long.toString(n));
    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(f.spool.deadJobs().list("work", 0, 1).getFirst().error())
        .contains("stored job has no type");
  }

  @Test
  void anUnknownJobTypeIsRetriedThenDeadNamingTypeAndNode() {
    JobType<Noop> unknown =
        JobType.of("mystery", Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(2, Duration.ofMillis(20)));
    f.spool.enqueue(unknown, new Noop(1));
    f.worker("node-7").queues("work").handle(NOOP, (job, a) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    DeadJob dead = f.spool.deadJobs().list("work", 0, 1).getFirst();
    assertThat(dead.attempt()).as("retried once: another node may know the type").isEqualTo(1);
    assertThat(dead.error()).contains("no handler registered for type 'mystery' on node 'node-7'");
  }

  @Test
  void aJobWaitingForItsRetryShowsTheErrorOfItsFailedAttemptAtOnce() {
    JobType<Noop> unknown =
        JobType.of("mystery", Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(2, Duration.ofHours(1)));
    JobId id = f.spool.enqueue(unknown, new Noop(1));
    f.worker("node-7").queues("work").handle(NOOP, (job, a) -> {}).start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SCHEDULED);

    JobStatus waiting = f.spool.statuses().find(id).orElseThrow();
    assertThat(waiting.errors())
        .singleElement()
        .asString()
        .contains("UnknownJobType")
        .contains("no handler registered for type 'mystery' on node 'node-7'");
    assertThat(waiting.previousAttempts()).hasSize(1);
  }

  @Test
  void anotherNodeThatKnowsTheTypeGetsTheRetry() {
    JobType<Noop> special =
        JobType.of("special", Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(3, Duration.ofMillis(500)));
    JobId id = f.spool.enqueue(special, new Noop(1));
    Worker ignorant = f.worker("ignorant").queues("work").handle(NOOP, (job, a) -> {}).start();
    var r = f.redis();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> "scheduled".equals(r.hget(f.jobKey(id), "s")));
    ignorant.close();
    assertThat(r.hget(f.jobKey(id), "e")).contains("UnknownJobType");

    List<String> nodes = new CopyOnWriteArrayList<>();
    f.worker("expert")
        .handle(special, (job, a) -> nodes.add(job.node() + "@" + job.attempt()))
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
    assertThat(nodes).containsExactly("expert@1");
  }

  @Test
  void argumentsThatDoNotFitTheHandlersTypeAreDeadAtOnce() {
    JobType<Greeting> greet = JobType.of("greet", Greeting.class).withQueue("work");
    plant("greet", "{\"to\": {\"nested\": true}, \"text\": \"hi\"}");
    f.worker("node-1").handle(greet, (job, g) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    DeadJob dead = f.spool.deadJobs().list("work", 0, 1).getFirst();
    assertThat(dead.attempt()).isZero();
    assertThat(dead.error())
        .contains("ArgumentMismatch")
        .contains("arguments do not fit")
        .contains("Greeting");
  }

  @Test
  void argumentsThatAreJsonNullAreDeadAtOnce() {
    JobType<Greeting> greet = JobType.of("greet", Greeting.class).withQueue("work");
    plant("greet", "null");
    List<Greeting> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(greet, (job, g) -> ran.add(g)).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    DeadJob dead = f.spool.deadJobs().list("work", 0, 1).getFirst();
    assertThat(dead.attempt()).isZero();
    assertThat(dead.error()).contains("ArgumentMismatch").contains("JSON null");
    assertThat(ran).isEmpty();
  }

  @Test
  void aMissingFieldIsAnArgumentMismatchNotASilentNull() {
    JobType<Greeting> greet = JobType.of("greet", Greeting.class).withQueue("work");
    plant("greet", "{\"to\": \"ada\"}");
    f.worker("node-1").handle(greet, (job, g) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    assertThat(f.spool.deadJobs().list("work", 0, 1).getFirst().error())
        .contains("ArgumentMismatch")
        .contains("text");
  }

  @Test
  void aNullForAPrimitiveIsAnArgumentMismatchAndExtraFieldsAreTolerated() {
    record Steps(int steps) {}
    JobType<Steps> report = JobType.of("report", Steps.class).withQueue("work");
    List<Integer> ran = new CopyOnWriteArrayList<>();
    plant("report", "{\"steps\": null}");
    plant("report", "{\"steps\": 3, \"addedByANewerProducer\": true}");
    f.worker("node-1").handle(report, (job, r) -> ran.add(r.steps())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 1);
    assertThat(ran).containsExactly(3);
    assertThat(f.spool.deadJobs().list("work", 0, 1).getFirst().error())
        .contains("ArgumentMismatch")
        .contains("steps");
  }

  @Test
  void aFractionForAnIntegerIsAMismatchNeverCutAndLosslessCoercionsAreTaken() {
    record Steps(int steps, String label) {}
    JobType<Steps> report = JobType.of("report", Steps.class).withQueue("work");
    List<Steps> ran = new CopyOnWriteArrayList<>();
    plant("report", "{\"steps\": 2.7, \"label\": \"a\"}");
    plant("report", "{\"steps\": \"2\", \"label\": 1}");
    plant("report", "{\"steps\": 5.0, \"label\": \"b\"}"); // a whole number, as Python writes it
    f.worker("node-1").handle(report, (job, r) -> ran.add(r)).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
    assertThat(ran).containsExactlyInAnyOrder(new Steps(2, "1"), new Steps(5, "b"));
    assertThat(f.spool.deadJobs().list("work", 0, 1).getFirst().error())
        .contains("ArgumentMismatch")
        .contains("2.7");
  }

  @Test
  void aPayloadOverTheLimitIsRejectedAtEnqueue() throws Exception {
    try (Spool strict =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).maxPayloadBytes(100).build()) {
      Greeting big = new Greeting("a@b.c", "x".repeat(200));
      assertThatThrownBy(() -> strict.enqueue(Fixtures.GREET, big))
          .isInstanceOf(PayloadTooLargeException.class)
          .hasMessageContaining(
              "arguments of job type 'greet' are 224 bytes of JSON, over the limit of 100 bytes");
      assertThat(strict.monitor().counts("work").ready()).isZero();
    }
    Greeting halfMeg = new Greeting("a@b.c", "x".repeat(600 * 1024));
    assertThatThrownBy(() -> f.spool.enqueue(Fixtures.GREET, halfMeg))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("over the limit of 524288 bytes");
  }

  @Test
  void argumentsThatCannotBeWrittenAsJsonAreAClearError() {
    record Holder(Object value) {}
    JobType<Holder> type = JobType.of("holder", Holder.class);
    assertThatThrownBy(() -> f.spool.enqueue(type, new Holder(new Object())))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("cannot write")
        .hasMessageContaining("as JSON");
  }

  @Test
  void connectingToAnUnreachableRedisThrowsNamingTheServer() {
    assertThatThrownBy(() -> Spool.connect("redis://:secret@127.0.0.1:1"))
        .isExactlyInstanceOf(SpoolConnectionException.class) // refused, not timed out
        .hasMessage("cannot reach Redis at redis://127.0.0.1:1 (connection refused)")
        .hasMessageNotContaining("secret");
  }

  @Test
  void aRedisUriTheClientCannotParseIsAnInvalidRedisUriThatNeverShowsItsPassword() {
    assertThatThrownBy(
            () -> Spool.connect("redis://:secret@127.0.0.1:6379?timeout=99999999999999999999"))
        .isInstanceOf(InvalidRedisUriException.class)
        .hasMessageContaining("it cannot be parsed")
        .hasMessageNotContaining("secret");
  }

  @Test
  void invalidNamesAreRefusedWithTheRule() {
    assertThatThrownBy(() -> JobOptions.builder().queue("a}b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid queue name 'a}b'");
    assertThatThrownBy(() -> JobType.of("has space", Noop.class))
        .hasMessageContaining("invalid job type name 'has space'");
    assertThatThrownBy(() -> JobOptions.builder().priority(5000))
        .hasMessageContaining("priority must be in [-1000, 1000], got 5000");
  }

  /**
   * Times at the ends of what Instant holds: a runAt or expiresAt before 1970 is past (the job
   * runs, or has expired, at once), and a retry delay beyond a long's ms waits the longest any
   * retry waits; all three were an ArithmeticException (long overflow) from deep inside.
   */
  @Test
  void instantsAndDelaysAtTheEndsOfTheirRangesAreHandledInWords() {
    JobId now = f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().runAt(Instant.MIN).build());
    JobId expired =
        f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().expiresAt(Instant.MIN).build());
    assertThat(f.spool.statuses().find(now).orElseThrow().state()).isEqualTo(State.QUEUED);

    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1").handle(NOOP, (job, a) -> ran.add(a.n())).start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(expired).orElseThrow().state() == State.KILLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains(1));
    assertThat(ran).containsExactly(1);

    Retry forever = Retry.fixed(3, Duration.ofSeconds(Long.MAX_VALUE));
    assertThat(forever.delayBefore(1)).isEqualTo(Retry.MAX_DELAY);
    JobId patient = f.spool.enqueue(NOOP, new Noop(3), JobOptions.builder().retry(forever).build());
    assertThat(f.spool.statuses().find(patient)).isPresent();
  }
}
