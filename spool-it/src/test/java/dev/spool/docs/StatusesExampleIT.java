package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobStatus;
import dev.spool.Monitor;
import dev.spool.QueueCounts;
import dev.spool.QueuesSnapshot;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.StatusCount;
import dev.spool.StatusPage;
import dev.spool.StatusQuery;
import dev.spool.Statuses;
import dev.spool.Throughput;
import dev.spool.ThroughputMinute;
import dev.spool.Timestamp;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/statuses.md. */
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

  @Test
  void countsAndPagesGoOnFromACursor() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      Statuses statuses = spool.statuses();
      for (int i = 0; i < 120; i++) {
        statuses.create().failed();
      }
      String cursor = null; // a dashboard keeps it between two requests
      List<JobStatus> shown = new ArrayList<>();

      // snippet: statuses-cursors
      StatusQuery failed = statuses.where(State.FAILED);

      // Counts for about 50 ms at most, then tells how far it got: "≥ 1234" until complete.
      StatusCount count = failed.countFor(Duration.ofMillis(50), null);
      while (!count.complete()) {
        count = failed.countFor(Duration.ofMillis(50), count.cursor());
      }

      // Pages by position: page 1 000 costs what page 1 does; null starts from the newest.
      StatusPage page = failed.limit(50).page(cursor);
      shown.addAll(page.statuses());
      cursor = page.next(); // null after the last page
      // end snippet

      assertThat(count.counted()).isEqualTo(120);
      assertThat(count.display()).isEqualTo("120");
      while (cursor != null) {
        page = failed.limit(50).page(cursor);
        shown.addAll(page.statuses());
        cursor = page.next();
      }
      assertThat(shown).extracting(JobStatus::id).doesNotHaveDuplicates().hasSize(120);
    }
  }

  @Test
  void aLivePageReadsCountsThroughputAndAVersion() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      spool.statuses().create("mail");

      // snippet: monitor-live
      Monitor monitor = spool.monitor();
      List<String> queues = monitor.queues();

      // Once a second: every count and a version, one round trip.
      QueuesSnapshot now = monitor.snapshot(queues);
      if (now.queues() != queues.size()) {
        queues = monitor.queues(); // a queue came or went
      }

      // The chart: per queue, the last 60 minutes, oldest first.
      for (Throughput t : monitor.throughput(queues)) {
        ThroughputMinute last = t.minutes().getLast(); // the current minute
        System.out.printf("%s: %d this hour, %d now%n", t.queue(), t.processed(), last.processed());
      }
      // end snippet

      assertThat(now.counts()).extracting(QueueCounts::queue).containsExactly("mail");
      assertThat(now.version()).isEqualTo(1); // one status created
    }
  }
}
