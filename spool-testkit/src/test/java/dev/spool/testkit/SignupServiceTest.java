package dev.spool.testkit;

import static dev.spool.testkit.SignupService.ONBOARD;
import static dev.spool.testkit.SignupService.SEND_EMAIL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testkit.SignupService.Onboard;
import dev.spool.testkit.SignupService.SendEmail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The intended use of the testing modes: {@link SignupService} takes a {@link dev.spool.JobClient},
 * and its unit tests hand it a {@link FakeJobs} or an {@link InlineJobs}.
 */
class SignupServiceTest {
  @Test
  void registeringEnqueuesAWelcomeMailAndADelayedOnboarding() {
    // snippet: fake-assert
    FakeJobs jobs = SpoolTesting.fake();
    SignupService service = new SignupService(jobs);

    String userId = service.register("ada@example.com");

    jobs.assertEnqueued(SEND_EMAIL, new SendEmail("ada@example.com", "welcome"));
    EnqueuedJob onboard = jobs.assertEnqueued(ONBOARD, new Onboard(userId));
    assertThat(onboard.delay()).contains(Duration.ofDays(1));
    jobs.assertNotEnqueued(SEND_EMAIL, mail -> mail.template().equals("tips"));
    // end snippet
  }

  @Test
  void onboardingSendsTipsWhenTheJobsAreDrained() {
    // snippet: fake-drain
    FakeJobs jobs = SpoolTesting.fake();
    SignupService service = new SignupService(jobs);
    List<SendEmail> outbox = new ArrayList<>();
    jobs.handle(SEND_EMAIL, (job, mail) -> outbox.add(mail))
        .handle(ONBOARD, (job, onboard) -> service.onboard(onboard));

    service.register("ada@example.com");
    int ran = jobs.drain();

    assertThat(ran).isEqualTo(3); // welcome, onboard, and the tips mail that onboarding enqueued
    assertThat(outbox)
        .containsExactly(
            new SendEmail("ada@example.com", "welcome"), new SendEmail("ada@example.com", "tips"));
    // end snippet
  }

  @Test
  void inlineModeRunsEverythingDuringTheCall() {
    // snippet: inline-mode
    InlineJobs jobs = SpoolTesting.inline();
    SignupService service = new SignupService(jobs);
    List<SendEmail> outbox = new ArrayList<>();
    jobs.handle(SEND_EMAIL, (job, mail) -> outbox.add(mail))
        .handle(ONBOARD, (job, onboard) -> service.onboard(onboard));

    service.register("ada@example.com");

    // The day's delay is not waited for: inline jobs run at once.
    assertThat(outbox).extracting(SendEmail::template).containsExactly("welcome", "tips");
    // end snippet
  }
}
