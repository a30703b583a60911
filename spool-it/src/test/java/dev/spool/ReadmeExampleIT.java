package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The first example of the README, as it is printed there. Keep the two in step. */
class ReadmeExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  // README example: begin
  record SendEmail(String to, String subject) {}

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class)
          .withQueue("mail")
          .withRetry(Retry.exponential(10, Duration.ofSeconds(1), 2.0));

  @Test
  void sendsAWelcomeMailNowAndAReminderLater() {
    List<String> sent = new CopyOnWriteArrayList<>();
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      spool
          .worker("node-1")
          .queues("mail")
          .concurrency(8)
          .handle(SEND_EMAIL, (job, email) -> sent.add(email.subject() + " to " + email.to()))
          .start();

      spool.enqueue(SEND_EMAIL, new SendEmail("ada@example.com", "Welcome"));
      spool.enqueue(
          SEND_EMAIL,
          new SendEmail("ada@example.com", "Reminder"),
          JobOptions.builder().delay(Duration.ofSeconds(1)).build());

      await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
      assertThat(sent).containsExactly("Welcome to ada@example.com", "Reminder to ada@example.com");
      assertThat(spool.monitor().statusString("mail")).isEqualTo("R=0 D=0 P=0/2");
    }
  }
  // README example: end
}
