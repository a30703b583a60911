package dev.spool.testkit;

import static dev.spool.testkit.SignupService.ONBOARD;
import static dev.spool.testkit.SignupService.SEND_EMAIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.testkit.SignupService.SendEmail;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same application code against a real Spool on an embedded redis-server. */
// snippet: signup-service-it
class SignupServiceIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void aWorkerSendsTheWelcomeMailAndTheOnboardingWaitsItsDay() {
    List<SendEmail> outbox = new CopyOnWriteArrayList<>();
    try (Spool spool =
            Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
        Worker worker =
            spool
                .worker("node-1")
                .handle(SEND_EMAIL, (job, mail) -> outbox.add(mail))
                .handle(ONBOARD, (job, onboard) -> {})
                .start()) {
      SignupService service = new SignupService(spool);

      service.register("ada@example.com");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(outbox).containsExactly(new SendEmail("ada@example.com", "welcome")));
      assertThat(spool.monitor().counts("default").delayed()).isEqualTo(1); // the onboarding
      assertThat(worker.name()).isEqualTo("node-1");
    }
  }
}
// end snippet
