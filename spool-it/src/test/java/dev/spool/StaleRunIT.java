package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run that is no longer its job's own (its node stalled past the lease and the job runs again
 * elsewhere, or Redis lost its data and the number went to a new job) writes nothing into the
 * status of the run that is: no progress, data, error or log line.
 */
class StaleRunIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

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
  void aRunWhoseJobAnotherNodeNowHoldsWritesNothingIntoItsStatus() throws Exception {
    CountDownLatch firstWrites = new CountDownLatch(1);
    CountDownLatch takenOver = new CountDownLatch(1);
    CountDownLatch lateWrites = new CountDownLatch(1);
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    // A long lease: no heartbeat comes while the test runs to notice the lost lease first.
    f.worker("node-1")
        .lease(Duration.ofSeconds(60))
        .handle(
            NOOP,
            (job, a) -> {
              job.progress(0.25);
              job.log("while it is this run's");
              firstWrites.countDown();
              assertThat(takenOver.await(10, TimeUnit.SECONDS)).isTrue();
              job.progress(0.75);
              job.save(Map.of("late", true));
              job.addError(Map.of("late", true));
              job.log("after another node took the job");
              lateWrites.countDown();
            })
        .start();
    assertThat(firstWrites.await(10, TimeUnit.SECONDS)).isTrue();
    // As the reaper and node-2's fetch leave it: the job is node-2's attempt now.
    f.redis().hset(f.jobKey(id), Map.of("w", "node-2", "n", "1"));

    takenOver.countDown();
    assertThat(lateWrites.await(10, TimeUnit.SECONDS)).isTrue();

    JobStatus status = f.spool.statuses().find(id).orElseThrow();
    assertThat(status.progress()).isEqualTo(0.25);
    assertThat(status.data()).isNull();
    assertThat(status.errors()).isEmpty();
    assertThat(status.log())
        .extracting(JobLogLine::message)
        .containsExactly("while it is this run's");
  }
}
