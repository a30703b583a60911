package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's first example, run as a user runs it: its main() against a Redis of its own. */
class ReadmeExampleIT {
  @Test
  void mainSendsTheWelcomeMailAndTheDelayedReminderThenReturns() {
    // A server of its own: the example uses the default namespace, as an application does.
    try (SpoolRedis redis = SpoolRedis.dedicated()) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(30), () -> WelcomeMails.main(new String[] {redis.uri()}));

      try (Spool spool = Spool.connect(redis.uri())) {
        List<JobStatus> mails = spool.statuses().jobName("send-email").list();
        assertThat(mails).extracting(JobStatus::state).containsOnly(State.SUCCEEDED).hasSize(2);
        assertThat(spool.monitor().statusString("mail")).isEqualTo("R=0 D=0 P=0/2");
      }
    }
  }
}
