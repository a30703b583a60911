package dev.spool.docs;

// The README's first example, as a user pastes it: a main() with no test helpers.
// snippet: readme-first-example
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Worker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

public class WelcomeMails {
  record SendEmail(String to, String subject) {}

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class)
          .withQueue("mail")
          .withRetry(Retry.exponential(10, Duration.ofSeconds(1), 2.0));

  public static void main(String[] args) throws InterruptedException {
    String redisUri = args.length > 0 ? args[0] : "redis://localhost:6379";
    CountDownLatch sent = new CountDownLatch(2);
    try (Spool spool = Spool.connect(redisUri);
        Worker worker =
            spool
                .worker("node-1")
                .queues("mail")
                .concurrency(8)
                .handle(
                    SEND_EMAIL,
                    (job, email) -> {
                      System.out.println(email.subject() + " sent to " + email.to());
                      sent.countDown();
                    })
                .start()) {
      spool.enqueue(SEND_EMAIL, new SendEmail("ada@example.com", "Welcome"));
      spool.enqueue(
          SEND_EMAIL,
          new SendEmail("ada@example.com", "Reminder"),
          JobOptions.builder().delay(Duration.ofSeconds(1)).build());

      // A real application keeps its worker up as long as it runs; this one until both mails left.
      sent.await();
    }
  }
}
// end snippet
