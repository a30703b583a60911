package dev.spool.testkit;

import dev.spool.JobClient;
import dev.spool.JobOptions;
import dev.spool.JobType;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Application code, as a user of Spool writes it: it depends on {@link JobClient} only (a real
 * {@code Spool} in production), so that its unit tests can hand it {@link FakeJobs} or {@link
 * InlineJobs}. Registers users; the slow parts are jobs. (Shown whole in docs/testing.md.)
 */
// snippet: signup-service
final class SignupService {
  record SendEmail(String to, String template) {}

  record Onboard(String userId) {}

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withQueue("mail");
  static final JobType<Onboard> ONBOARD = JobType.of("onboard", Onboard.class);

  private final JobClient jobs;
  private final Map<String, String> users = new ConcurrentHashMap<>();

  SignupService(JobClient jobs) {
    this.jobs = jobs;
  }

  String register(String email) {
    String userId = "u" + (users.size() + 1);
    users.put(userId, email);
    jobs.enqueue(SEND_EMAIL, new SendEmail(email, "welcome"));
    jobs.enqueue(
        ONBOARD, new Onboard(userId), JobOptions.builder().delay(Duration.ofDays(1)).build());
    return userId;
  }

  /** The handler of ONBOARD: a day after signing up, a mail with tips. */
  void onboard(Onboard job) {
    jobs.enqueue(SEND_EMAIL, new SendEmail(users.get(job.userId()), "tips"));
  }
}
// end snippet
