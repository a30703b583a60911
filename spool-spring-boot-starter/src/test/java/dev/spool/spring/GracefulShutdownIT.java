package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Closing the application while jobs run loses none and runs none twice: a job that finishes within
 * spool.worker.shutdown-timeout is done once, and the close waits for it; one that does not is
 * interrupted and handed back to its queue, to run again in the next application.
 */
class GracefulShutdownIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Nap(String name) {}

  static final JobType<Nap> NAP = JobType.of("nap", Nap.class).withQueue("naps");

  /** Per nap: how often its handler started, and the latch that lets it end. */
  static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  static final Map<String, CountDownLatch> wakeUp = new ConcurrentHashMap<>();

  @Configuration(proxyBeanMethods = false)
  static class Napper {
    @Bean
    SpoolHandler<Nap> napper() {
      return new SpoolHandler<>() {
        @Override
        public JobType<Nap> type() {
          return NAP;
        }

        @Override
        public void handle(JobContext job, Nap nap) throws InterruptedException {
          runs.computeIfAbsent(nap.name(), n -> new AtomicInteger()).incrementAndGet();
          wakeUp.get(nap.name()).await(); // answers the interrupt of a hand-back
        }
      };
    }
  }

  private final String namespace = SpoolRedis.namespace();

  private ApplicationContextRunner app(String shutdownTimeout) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SpoolAutoConfiguration.class))
        .withUserConfiguration(Napper.class)
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + namespace,
            "spool.worker.shutdown-timeout=" + shutdownTimeout);
  }

  private State stateOf(JobId id) {
    try (Spool client = Spool.builder().redis(redis.uri()).namespace(namespace).build()) {
      return client.statuses().find(id).orElseThrow().state();
    }
  }

  private static boolean started(String nap, int times) {
    AtomicInteger n = runs.get(nap);
    return n != null && n.get() == times;
  }

  @Test
  void aJobThatFinishesWithinTheShutdownTimeoutIsDoneOnceAndTheCloseWaitsForIt() {
    wakeUp.put("short", new CountDownLatch(1));
    JobId[] id = new JobId[1];
    app("20s")
        .run(
            context -> {
              id[0] = context.getBean(Spool.class).enqueue(NAP, new Nap("short"));
              await().atMost(Duration.ofSeconds(10)).until(() -> started("short", 1));
              SpoolWorkerLifecycle worker = context.getBean(SpoolWorkerLifecycle.class);
              CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
              await().atMost(Duration.ofSeconds(10)).until(() -> !worker.isRunning());
              assertThat(closing).isNotDone(); // the stop waits for the running job
              wakeUp.get("short").countDown();
              closing.get(10, TimeUnit.SECONDS);
            });
    assertThat(stateOf(id[0])).isEqualTo(State.SUCCEEDED);
    assertThat(runs.get("short")).hasValue(1);
  }

  @Test
  void aJobLongerThanTheShutdownTimeoutIsHandedBackAndRunsInTheNextApplication() {
    wakeUp.put("long", new CountDownLatch(1));
    JobId[] id = new JobId[1];
    app("200ms")
        .run(
            context -> {
              id[0] = context.getBean(Spool.class).enqueue(NAP, new Nap("long"));
              await().atMost(Duration.ofSeconds(10)).until(() -> started("long", 1));
            });
    assertThat(stateOf(id[0])).isEqualTo(State.QUEUED); // handed back, not left to its lease
    wakeUp.get("long").countDown();
    app("20s")
        .run(
            context ->
                await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> stateOf(id[0]) == State.SUCCEEDED));
    assertThat(runs.get("long")).hasValue(2);
  }
}
