package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What handlers store (data, errors, results) comes back exactly as they wrote it, whatever Spool's
 * scripts do with it on the way: archived with an attempt, passed on in an outcome. Lua's JSON
 * library keeps 14 significant digits and cannot write a number beyond a double's range, so the
 * scripts splice such JSON in as its text.
 */
class StoredJsonIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  /** A long id with more digits than a double holds exactly. */
  static final long LONG_ID = 1234567890123456789L;

  /** A number beyond a double's range: Lua reads it as infinity. */
  static final BigInteger HUGE = BigInteger.TEN.pow(400);

  static final JobType<Noop> FLAKY =
      JobType.of("flaky", Noop.class)
          .withQueue("work")
          .withRetry(Retry.fixed(3, Duration.ofMillis(10)));

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void dataAndErrorsOfAFailedAttemptAreArchivedWithEveryDigit() {
    JobId id = f.spool.enqueue(FLAKY, new Noop(1));
    f.worker("node-1")
        .handle(
            FLAKY,
            (job, a) -> {
              if (job.attempt() == 0) {
                job.save(Map.of("id", LONG_ID, "huge", HUGE));
                job.addError(Map.of("row", LONG_ID));
                throw new IllegalStateException("first attempt fails");
              }
            })
        .start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
    JobStatus status = f.spool.statuses().find(id).orElseThrow();
    List<Map<String, Object>> previous = status.previousAttempts();
    assertThat(previous).hasSize(1);
    assertThat(previous.getFirst()).containsEntry("state", "failed");
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) previous.getFirst().get("data");
    assertThat(data).containsEntry("id", LONG_ID).containsEntry("huge", HUGE);
    @SuppressWarnings("unchecked")
    List<Object> errors = (List<Object>) previous.getFirst().get("errors");
    assertThat(errors).hasSize(2);
    assertThat(errors.getFirst()).isEqualTo(Map.of("row", LONG_ID));
  }

  /**
   * A job handed back at shutdown archives its attempt too; with a number beyond a double's range
   * in its data, the hand-back used to fail halfway, leaving the job started with no lease.
   */
  @Test
  void aJobHandedBackWithHugeNumbersInItsDataRunsAgain() throws Exception {
    JobId id = f.spool.enqueue(FLAKY, new Noop(1));
    var saved = new java.util.concurrent.CountDownLatch(1);
    Worker first =
        f.worker("node-1")
            .handle(
                FLAKY,
                (job, a) -> {
                  job.save(Map.of("huge", HUGE, "id", LONG_ID));
                  saved.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    assertThat(saved.await(10, TimeUnit.SECONDS)).isTrue();
    // The shutdown timeout passes: the job is handed back.
    assertThat(first.stop().handedBack()).isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.QUEUED);
    f.worker("node-2").handle(FLAKY, (job, a) -> {}).start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
    Map<String, Object> handedBack =
        f.spool.statuses().find(id).orElseThrow().previousAttempts().getFirst();
    assertThat(handedBack).containsEntry("state", "handed back");
    assertThat(handedBack.get("data")).isEqualTo(Map.of("huge", HUGE, "id", LONG_ID));
  }

  /** With statuses of succeeded jobs not kept, the outcome message carries the result. */
  @Test
  void anOutcomeOfAJobNotKeptCarriesItsResultWithEveryDigit() throws Exception {
    try (Spool notKeeping =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).keepSucceeded(false).build()) {
      JobId plain = notKeeping.enqueue(Fixtures.NOOP, new Noop(1));
      JobId exact = notKeeping.enqueue(Fixtures.NOOP, new Noop(2));
      var plainOutcome = notKeeping.outcome(plain);
      var exactOutcome = notKeeping.outcome(exact);
      notKeeping
          .worker("node-1")
          .handle(
              Fixtures.NOOP,
              (job, a) -> {
                job.put("n", a.n());
                if (a.n() == 2) {
                  job.put("id", LONG_ID);
                  job.put("huge", HUGE);
                }
              })
          .start();

      JobOutcome one = exactOutcome.get(10, TimeUnit.SECONDS);
      assertThat(one.succeeded()).isTrue();
      assertThat(one.result())
          .containsEntry("n", 2)
          .containsEntry("id", LONG_ID)
          .containsEntry("huge", HUGE);
      // Its neighbour in the same acknowledgement is told too.
      assertThat(plainOutcome.get(10, TimeUnit.SECONDS).result()).containsEntry("n", 1);
      assertThat(f.spool.statuses().find(exact)).isEmpty();
    }
  }

  /**
   * A status that already holds many errors (written before the bound) is cut to the latest 100 by
   * its next error, in one pass.
   */
  @Test
  void aLongErrorHistoryIsCutToTheLatestHundred() {
    JobId id = f.spool.enqueue(Fixtures.NOOP, new Noop(1));
    StringBuilder history = new StringBuilder("[");
    for (int i = 0; i < 5000; i++) {
      history.append(i == 0 ? "" : ",").append("{\"row\":").append(i).append(",\"x\":\"a,]\\\"\"}");
    }
    f.redis().hset(f.jobKey(id), "er", history.append(']').toString());
    f.spool.statuses().find(id).orElseThrow().addError(Map.of("row", 5000));

    List<Object> errors = f.spool.statuses().find(id).orElseThrow().errors();
    assertThat(errors).hasSize(100);
    assertThat(errors.getFirst()).isEqualTo(Map.of("row", 4901, "x", "a,]\""));
    assertThat(errors.getLast()).isEqualTo(Map.of("row", 5000));
  }

  /** A job's errors stay bounded: the latest 100, each call's work no longer than the last. */
  @Test
  void aStatusKeepsTheLatestHundredErrors() {
    JobId id = f.spool.enqueue(Fixtures.NOOP, new Noop(1));
    JobStatus status = f.spool.statuses().find(id).orElseThrow();
    for (int i = 0; i < 130; i++) {
      status.addError(Map.of("row", i, "text", "a \"quoted\", [bracketed] {braced} \\ error"));
    }
    List<Object> errors = f.spool.statuses().find(id).orElseThrow().errors();
    assertThat(errors).hasSize(100);
    assertThat(errors.getFirst())
        .isEqualTo(Map.of("row", 30, "text", "a \"quoted\", [bracketed] {braced} \\ error"));
    assertThat(errors.getLast())
        .isEqualTo(Map.of("row", 129, "text", "a \"quoted\", [bracketed] {braced} \\ error"));
  }

  record Wide(BigInteger number, Map<String, String> named) {}

  static final JobType<Wide> WIDE = JobType.of("wide", Wide.class).withQueue("work");

  /**
   * Arguments Jackson writes it also reads back: a number of 1 500 digits and a field name of 60
   * 000 characters were written at enqueue, then refused when the handler's arguments were read
   * (Jackson's default read limits: 1 000 digits, 50 000 characters), and the job failed unrun.
   */
  @Test
  void argumentsWithVeryLongNumbersAndNamesAreReadAsWritten() throws Exception {
    Wide wide = new Wide(BigInteger.TEN.pow(1_500), Map.of("k".repeat(60_000), "v"));
    JobId id = f.spool.enqueue(WIDE, wide);
    java.util.concurrent.CompletableFuture<Wide> received =
        new java.util.concurrent.CompletableFuture<>();
    f.worker("node-1").handle(WIDE, (job, a) -> received.complete(a)).start();

    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(wide);
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
  }

  @Test
  void aFieldStoredAsJsonNullReadsAsAbsentInAListAndAlone() {
    // Written by hand or by another tool: JSON's null where Spool keeps a list or an object. One
    // such status must not break a page of others (the dashboard's list read errors() as null).
    JobId bad = f.spool.enqueue(FLAKY, new Noop(1));
    JobId good = f.spool.enqueue(FLAKY, new Noop(2));
    String key = f.namespace + ":{work}:job:" + bad.number();
    f.redis().hset(key, Map.of("er", "null", "pa", "null", "ja", "null", "r", "null"));

    JobStatus alone = f.spool.statuses().find(bad).orElseThrow();
    assertThat(alone.errors()).isEmpty();
    assertThat(alone.previousAttempts()).isEmpty();
    assertThat(alone.jobArgs()).isEmpty();
    assertThat(alone.result()).isEmpty();
    List<JobStatus> page = f.spool.statuses().all().queue("work").clipped(256).list();
    assertThat(page).extracting(JobStatus::id).containsExactlyInAnyOrder(bad, good);
    assertThat(page).allSatisfy(s -> assertThat(s.errors()).isEmpty());
  }
}
