package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attempts that do not complete normally are still told to listeners and interceptors: one taken
 * from its handler (handed back at shutdown, abandoned when its lease is lost) ends as {@link
 * AttemptResult#HANDED_BACK} or {@link AttemptResult#ABANDONED}, so started − finished is what
 * runs; one that fails before its handler runs through the interceptors too.
 */
class AttemptsNotCompletedIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Other(int n) {}

  static final JobType<Other> UNHANDLED = JobType.of("unhandled", Other.class).withQueue("work");

  final List<String> results = new CopyOnWriteArrayList<>();
  final List<Throwable> seenByInterceptor = new CopyOnWriteArrayList<>();
  Fixtures f;
  Spool spool;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .listener(
                new JobListener() {
                  @Override
                  public void finished(JobEvent job, AttemptResult result, Duration execution) {
                    results.add(job.type() + " " + result);
                  }
                })
            .interceptor(
                new JobInterceptor() {
                  @Override
                  public void aroundRun(JobEvent job, Map<String, String> headers, Attempt proceed)
                      throws Exception {
                    try {
                      proceed.run();
                    } catch (Exception e) {
                      seenByInterceptor.add(e);
                      throw e;
                    }
                  }
                })
            .build();
  }

  @AfterEach
  void tearDown() {
    spool.close();
    f.close();
  }

  private Worker.Builder worker() {
    return spool.worker("node-1").lease(Duration.ofMillis(900)).shutdownTimeout(Duration.ZERO);
  }

  @Test
  void anAttemptHandedBackAtShutdownIsToldAsSuch() {
    spool.enqueue(Fixtures.NOOP, new Noop(1));
    CountDownLatch running = new CountDownLatch(1);
    Worker worker =
        worker()
            .handle(
                Fixtures.NOOP,
                (job, a) -> {
                  running.countDown();
                  Fixtures.untilInterrupted();
                })
            .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);

    worker.stop();

    await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
    assertThat(results).containsExactly("noop HANDED_BACK");
    assertThat(seenByInterceptor)
        .singleElement(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("handed back")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(spool.monitor().counts("work").ready()).isEqualTo(1); // back in its queue
  }

  @Test
  void anAttemptWhoseLeaseWasLostIsToldAsAbandoned() {
    JobId id = spool.enqueue(Fixtures.NOOP, new Noop(1));
    CountDownLatch running = new CountDownLatch(1);
    worker()
        .handle(
            Fixtures.NOOP,
            (job, a) -> {
              running.countDown();
              Fixtures.untilInterrupted();
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);

    // the job, taken by another node as after a reap: the next heartbeat finds the lease lost
    f.redis().hset(f.jobKey(id), "w", "node-2");

    await().atMost(Duration.ofSeconds(10)).until(() -> results.contains("noop ABANDONED"));
    assertThat(seenByInterceptor)
        .first(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("abandoned");
  }

  @Test
  void anAttemptThatFailsBeforeItsHandlerRunsThroughTheInterceptors() {
    spool.enqueue(UNHANDLED, new Other(1));
    worker().queues("work").handle(Fixtures.NOOP, (job, a) -> {}).start();

    await().atMost(Duration.ofSeconds(10)).until(() -> !results.isEmpty());
    assertThat(results.getFirst()).startsWith("unhandled ");
    assertThat(seenByInterceptor)
        .first(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no handler registered for type 'unhandled'");
  }
}
