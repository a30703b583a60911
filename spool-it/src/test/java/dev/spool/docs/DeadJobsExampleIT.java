package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.DeadJob;
import dev.spool.DeadJobs;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dead set example of docs/architecture.md. */
class DeadJobsExampleIT {
  private static final Logger log = LoggerFactory.getLogger(DeadJobsExampleIT.class);

  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record SendEmail(String to, String subject) {}

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withQueue("mail").withRetry(Retry.none());

  @Test
  void deadJobsAreListedRetriedAndPurgedPerQueue() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      try (Worker worker =
          spool
              .worker("node-1")
              .handle(
                  SEND_EMAIL,
                  (job, email) -> {
                    throw new IllegalStateException("smtp down");
                  })
              .start()) {
        spool.enqueue(SEND_EMAIL, new SendEmail("ada@example.com", "Welcome"));
        spool.enqueue(SEND_EMAIL, new SendEmail("bob@example.com", "Welcome"));
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.deadJobs().size("mail") == 2);
        // The node counts a job as busy until it has read the reply of the step that recorded
        // its end, which may come a moment after the end is visible.
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.busy() == 0);
      }

      // snippet: dead-jobs
      DeadJobs dead = spool.deadJobs();
      long size = dead.size("mail");
      List<DeadJob> newest = dead.list("mail", 0, 20); // newest first
      for (DeadJob job : newest) {
        log.info("{} {} died at {}: {}", job.id(), job.type(), job.diedAt(), job.error());
      }
      boolean retried = dead.retry(newest.getFirst().id()); // back in its queue, fresh retries
      long retriedAll = dead.retryAll("mail");
      long purged = dead.purge("mail"); // or delete them for good
      // end snippet

      assertThat(size).isEqualTo(2);
      assertThat(newest)
          .extracting(DeadJob::type, DeadJob::error)
          .allSatisfy(
              row -> {
                assertThat(row.toList().getFirst()).isEqualTo("send-email");
                assertThat(row.toList().get(1).toString()).contains("smtp down");
              });
      assertThat(retried).isTrue();
      assertThat(retriedAll).isEqualTo(1);
      assertThat(purged).isZero();
      assertThat(spool.monitor().counts("mail").ready()).isEqualTo(2);
    }
  }
}
