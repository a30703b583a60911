package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueResult;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobSpec;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Unique;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bulk enqueue examples of README.md. */
class BulkEnqueueExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record SendEmail(String to, String subject) {}

  record Reminder(String user, String text) {}

  static final JobType<SendEmail> SEND_EMAIL = JobType.of("send-email", SendEmail.class);
  static final JobType<Reminder> REMINDER =
      JobType.of("reminder", Reminder.class).withUnique(Unique.untilExecuted());

  record Due(String user, String text, Instant at, boolean urgent) {}

  @Test
  void enqueuesManyJobsOfOneTypeAndJobsWithTheirOwnOptions() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      List<SendEmail> newsletter =
          List.of(new SendEmail("a@b.c", "News"), new SendEmail("d@e.f", "News"));
      Instant now = Instant.now();
      List<Due> dueReminders =
          List.of(
              new Due("ada", "standup", now, true),
              new Due("bob", "review", now.plus(Duration.ofHours(1)), false),
              new Due("ada", "standup", now, true)); // the same reminder twice: rejected once

      // snippet: bulk-one-type
      List<JobId> ids = spool.enqueueAll(SEND_EMAIL, newsletter); // ids in the list's order
      // end snippet

      // snippet: bulk-per-job-options
      List<JobSpec<?>> jobs = new ArrayList<>();
      for (Due due : dueReminders) {
        JobOptions options =
            JobOptions.builder().runAt(due.at()).priority(due.urgent() ? 10 : 0).build();
        jobs.add(JobSpec.of(REMINDER, new Reminder(due.user(), due.text()), options));
      }
      List<EnqueueResult> results = spool.tryEnqueueAll(jobs); // or enqueueAll(jobs): the ids
      for (EnqueueResult r : results) {
        if (!r.accepted()) {
          System.out.println("already queued as " + r.holder().orElseThrow());
        }
      }
      // end snippet

      assertThat(ids).hasSize(2);
      assertThat(results).extracting(EnqueueResult::accepted).containsExactly(true, true, false);
      assertThat(results.get(2).jobId()).isEqualTo(results.get(0).jobId());
      assertThat(spool.statuses().find(results.get(1).jobId()).orElseThrow().state())
          .isEqualTo(State.SCHEDULED);
    }
  }
}
