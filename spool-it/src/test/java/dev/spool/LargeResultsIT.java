package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Large handler results: a queue's successes go to Redis in calls of bounded size, so the outcome
 * announcement of a batch never outgrows what Redis lets a subscriber buffer; and a result over 512
 * KiB of JSON is stored as an error in its place, the job still succeeding.
 */
class LargeResultsIT {
  /** A Redis of its own: a test pauses its writes and sets its pub/sub output buffer limit. */
  @RegisterExtension static SpoolRedis redis = SpoolRedis.dedicated();

  static final int LIMIT = 512 * 1024;

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  /**
   * 300 jobs end at once, each with a result of 200 KiB, on a node that keeps no succeeded job:
   * their outcomes are announced over pub/sub with the results. Redis's writes are paused while
   * they end, so that their outcomes reach the acker together. Announced in one message (some 60
   * MB), they went over the subscribers' output buffer limit (Redis's default, 32 MB), Redis cut
   * every subscriber off, and the awaited outcomes were lost (the jobs were gone: "no job").
   */
  @Test
  void manyLargeResultsEndingAtOnceAllReachTheirAwaitingClient() throws Exception {
    f.redis().configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60"); // Redis's default
    int jobs = 300;
    String blob = "x".repeat(200 * 1024);
    AtomicInteger ended = new AtomicInteger();
    JobListener acked =
        new JobListener() {
          @Override
          public void finished(JobEvent job, AttemptResult result, Duration execution) {
            ended.incrementAndGet(); // called once the outcome is handed to the acker
          }
        };
    try (Spool spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .keepSucceeded(false)
            .listener(acked)
            .build()) {
      List<JobId> ids = spool.enqueueAll(Fixtures.NOOP, Fixtures.noops(jobs));
      List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
      for (JobId id : ids) {
        outcomes.add(spool.outcome(id));
      }
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger running = new AtomicInteger();
      try (Worker w =
          spool
              .worker("node-1")
              .concurrency(jobs)
              .shutdownTimeout(Duration.ofSeconds(2))
              .handle(
                  Fixtures.NOOP,
                  (job, a) -> {
                    running.incrementAndGet();
                    release.await(30, TimeUnit.SECONDS);
                    job.put("n", a.n());
                    job.put("blob", blob);
                  })
              .start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> running.get() == jobs);
        pauseWrites();
        try {
          release.countDown();
          await().atMost(Duration.ofSeconds(20)).until(() -> ended.get() == jobs);
        } finally {
          unpauseWrites();
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
            .handle((v, e) -> v)
            .get(60, TimeUnit.SECONDS);
        for (int i = 0; i < jobs; i++) {
          CompletableFuture<JobOutcome> outcome = outcomes.get(i);
          assertThat(outcome).as("outcome of %s", ids.get(i)).isNotCompletedExceptionally();
          JobOutcome done = outcome.join();
          assertThat(done.succeeded()).isTrue();
          assertThat(done.result()).containsEntry("n", i).containsEntry("blob", blob);
        }
        assertThat(spool.monitor().counts("work").completed()).isEqualTo(jobs);
      }
    }
  }

  /** Holds every write command (a script call included) until {@link #unpauseWrites}. */
  private void pauseWrites() {
    f.redis()
        .dispatch(
            CommandType.CLIENT,
            new StatusOutput<>(StringCodec.UTF8),
            new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(30_000).add("WRITE"));
  }

  private void unpauseWrites() {
    f.redis()
        .dispatch(
            CommandType.CLIENT,
            new StatusOutput<>(StringCodec.UTF8),
            new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
  }

  @Test
  void aResultOverTheLimitIsStoredAsAnErrorAndTheJobSucceeds() throws Exception {
    JobType<Noop> big = Fixtures.NOOP;
    // 'é' is 2 bytes in UTF-8: 300 000 of them are under the limit in chars, over it in bytes.
    String[] values = {
      "x".repeat(LIMIT), "é".repeat(300_000), "é".repeat(200_000), "x".repeat(LIMIT - 100)
    };
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      ids.add(f.spool.enqueue(big, new Noop(i)));
    }
    List<CompletableFuture<JobOutcome>> outcomes = new ArrayList<>();
    for (JobId id : ids) {
      outcomes.add(f.spool.outcome(id));
    }
    try (Worker w =
        f.worker("node-1").handle(big, (job, a) -> job.put("v", values[a.n()])).start()) {
      List<JobOutcome> done = new ArrayList<>();
      for (CompletableFuture<JobOutcome> outcome : outcomes) {
        done.add(outcome.get(20, TimeUnit.SECONDS));
      }
      assertThat(done).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
      // {"v":"…"} is 8 bytes more than the value.
      assertThat(done.get(0).result())
          .isEqualTo(
              Map.of(
                  "error",
                  "result too large: "
                      + (LIMIT + 8)
                      + " bytes of JSON, over the limit of "
                      + LIMIT
                      + " bytes"));
      assertThat(done.get(1).result())
          .isEqualTo(
              Map.of(
                  "error",
                  "result too large: 600008 bytes of JSON, over the limit of " + LIMIT + " bytes"));
      assertThat(done.get(2).result()).isEqualTo(Map.of("v", values[2]));
      assertThat(done.get(3).result()).isEqualTo(Map.of("v", values[3]));
    }
    JobStatus stored = f.spool.statuses().find(ids.getFirst()).orElseThrow();
    assertThat(stored.state()).isEqualTo(State.SUCCEEDED);
    assertThat(stored.result()).containsOnlyKeys("error");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == values.length);
  }
}
