package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dead set keeps its bounds however its jobs died, and ages out while nothing dies: the Pruner
 * trims it, not only a failed attempt's death.
 */
class DeadSetBoundsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> ONCE =
      JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());

  final String namespace = SpoolRedis.namespace();
  Spool spool;

  private Spool spool(Spool.Builder builder) {
    spool =
        builder.redis(redis.uri()).namespace(namespace).retention(Duration.ofSeconds(2)).build();
    return spool;
  }

  @AfterEach
  void tearDown() {
    spool.close();
  }

  private Worker.Builder worker(String name) {
    return spool.worker(name).queues("work").lease(Duration.ofMillis(900));
  }

  @Test
  void deathsByExpiredLeasesAreTrimmedToTheMaximumSize() throws Exception {
    spool(Spool.builder().deadJobsMaxSize(2));
    List<JobId> ids = spool.enqueueAll(ONCE, Fixtures.noops(4));
    Fixtures.crashHolding(worker("doomed"), ONCE, 4);

    worker("survivor").handle(ONCE, (job, a) -> {}).start();

    // The four die as their leases expire (no retry left), and the oldest two are deleted.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                spool.deadJobs().size("work") == 2
                    && spool.statuses().where(State.FAILED).queue("work").count() == 2);
    assertThat(spool.monitor().counts("work").processing()).isZero();
    assertThat(spool.deadJobs().list("work", 0, 10))
        .extracting(DeadJob::id)
        .isSubsetOf(ids)
        .hasSize(2);
  }

  @Test
  void deadJobsAgeOutWhileNothingDies() {
    spool(Spool.builder().deadJobsMaxAge(Duration.ofSeconds(1)));
    spool.enqueueAll(ONCE, Fixtures.noops(3));
    worker("node-1")
        .handle(
            ONCE,
            (job, a) -> {
              throw new IllegalStateException("boom");
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spool.deadJobs().size("work") == 3);

    await().atMost(Duration.ofSeconds(20)).until(() -> spool.deadJobs().size("work") == 0);
    assertThat(spool.statuses().where(State.FAILED).queue("work").count()).isZero();
  }
}
