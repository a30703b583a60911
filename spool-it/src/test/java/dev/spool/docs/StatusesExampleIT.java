package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Statuses;
import dev.spool.Timestamp;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example of docs/statuses.md. */
class StatusesExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void aStatusTracksWorkRunByAnythingAndQueriesCountIt() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
      List<String> data = List.of("s3://books/53.epub");

      // snippet: statuses
      Statuses statuses = spool.statuses();

      JobStatus s = statuses.create(); // UNQUEUED, for work run by anything
      s.jobName("PublishBook").jobArgs(Map.of("book", "gid://app/Book/53")).providerJobId("42");
      s.queued().started().progress(7, 10).addError(Map.of("msg", "x")).save(data);
      s.succeeded();

      Optional<JobStatus> found = statuses.find(s.id()); // empty if unknown
      JobStatus orUnknown = statuses.findOrUnknown(s.id()); // in the UNKNOWN state if unknown

      long n =
          statuses
              .where(State.SUCCEEDED, State.FAILED) // varargs: OR
              .jobName("PublishBook") // chaining: AND
              .jobArg("gid://app/Book/53")
              .between(Timestamp.STARTED_AT, anHourAgo, null) // null: an open end
              .count(); // counted in Redis
      List<JobStatus> page = statuses.where(State.COMPLETED).limit(10).offset(20).list();
      // end snippet

      assertThat(found).map(JobStatus::state).contains(State.SUCCEEDED);
      assertThat(orUnknown.data()).isEqualTo(data);
      assertThat(orUnknown.errors()).containsExactly(Map.of("msg", "x"));
      assertThat(orUnknown.providerJobId()).contains("42");
      assertThat(n).isEqualTo(1);
      assertThat(page).isEmpty(); // one status, so the third page of ten is empty
      assertThat(statuses.where(State.COMPLETED).limit(10).list())
          .extracting(JobStatus::id)
          .containsExactly(s.id());
    }
  }
}
