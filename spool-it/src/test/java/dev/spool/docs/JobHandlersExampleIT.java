package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobId;
import dev.spool.JobOutcome;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.docs.EmailHandlers.SendEmail;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JobHandlers example of docs/cli.md, registered on a node as `spool worker` does. */
class JobHandlersExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void theRegisteredHandlerRunsAndLeavesTheMessageIdInTheResult() throws Exception {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      Worker.Builder node = spool.worker("node-1");
      new EmailHandlers().register(node);
      try (Worker worker = node.start()) {
        JobId id =
            spool.enqueue(EmailHandlers.SEND_EMAIL, new SendEmail("ada@example.com", "Welcome"));

        JobOutcome outcome = spool.outcome(id).get(10, TimeUnit.SECONDS);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.result()).containsEntry("messageId", "msg-1");
        // The node counts a job as busy until it has read the reply of the step that recorded
        // its end, which may come a moment after the end is visible.
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.busy() == 0);
      }
    }
  }
}
