package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.EnqueueResult;
import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.OnConflict;
import dev.spool.Spool;
import dev.spool.Unique;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The example of docs/unique-jobs.md. */
class UniqueJobsExampleIT {
  private static final Logger log = LoggerFactory.getLogger(UniqueJobsExampleIT.class);

  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record SendEmail(String to, String subject) {}

  // snippet: unique-type
  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class)
          .withUnique(
              Unique.untilExecuted()
                  .onConflict(OnConflict.REJECT) // the default
                  .ttl(Duration.ofMinutes(10)) // the default, see Spool.Builder.uniqueLockTtl
                  .args(a -> List.of(a.to()))); // unique by recipient only

  // end snippet

  @Test
  void aSecondMailToTheSameRecipientIsRejectedNamingTheHolder() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      JobId first = spool.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "welcome"));

      // snippet: try-enqueue
      EnqueueResult r = spool.tryEnqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
      if (!r.accepted()) log.info("already queued as {}", r.holder().get());
      // end snippet

      assertThat(r.accepted()).isFalse();
      assertThat(r.holder()).contains(first);
    }
  }
}
