package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Unique;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Actions on many jobs at once against a real Redis: the jobs bulk actions and the dead set's retry
 * and purge of all. Each request does work bounded by its batch, and one job or queue that cannot
 * be changed stops neither the request nor its repeats.
 */
class DashboardBulkIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Dies at its first failure, and holds a unique lock on its args until it has run. */
  static final JobType<JsonNode> UNIQUE =
      JobType.of("dash-unique", JsonNode.class)
          .withQueue("dash-unique")
          .withRetry(Retry.none())
          .withUnique(Unique.untilExecuted());

  private Spool spool;
  private SpoolDashboard dashboard;
  private Http http;

  @BeforeEach
  void start() {
    spool = Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
    dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
    http = new Http(dashboard.url());
  }

  @AfterEach
  void stop() {
    dashboard.stop();
    spool.close();
  }

  @Test
  void aBulkRetryLeavesAJobWhoseUniqueLockIsHeldDeadAndRetriesTheOthers() {
    JobId other;
    JobId locked;
    try (Worker failing =
        spool
            .worker("node-u")
            .queues("dash-unique")
            .handle(
                UNIQUE,
                (job, args) -> {
                  throw new IllegalStateException("failing on purpose");
                })
            .start()) {
      other = spool.enqueue(UNIQUE, args("k", "2"));
      locked = spool.enqueue(UNIQUE, args("k", "1")); // the newest: examined first
      await().atMost(WAIT).until(() -> spool.deadJobs().size("dash-unique") == 2);
    }
    // Takes the lock the dead job gave back when it died: that one cannot be retried now.
    JobId holder = spool.enqueue(UNIQUE, args("k", "1"));

    Http.Reply reply = http.act("api/jobs/bulk/retry?queue=dash-unique");

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode r = reply.json();
    assertThat(r.get("changed").asLong()).as(r.toString()).isEqualTo(1);
    assertThat(r.get("held").asLong()).as(r.toString()).isEqualTo(1);
    assertThat(state(other)).isEqualTo(State.QUEUED);
    assertThat(state(locked)).isEqualTo(State.FAILED);
    assertThat(spool.deadJobs().size("dash-unique")).isEqualTo(1);
    assertThat(state(holder)).isEqualTo(State.QUEUED);
  }

  private static JsonNode args(String name, String value) {
    return JsonNodeFactory.instance.objectNode().put(name, value);
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
