package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Monitor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

class SpoolHealthIndicatorTest {
  @Test
  void aRedisThatDoesNotAnswerIsReportedDownAfterTheHealthTimeout() {
    CountDownLatch redisAnswers = new CountDownLatch(1);
    Monitor hanging =
        (Monitor)
            Proxy.newProxyInstance(
                Monitor.class.getClassLoader(),
                new Class<?>[] {Monitor.class},
                (proxy, method, args) -> {
                  redisAnswers.await(); // a Redis that hangs, until the test ends
                  return List.of();
                });
    try {
      Health health =
          new SpoolHealthIndicator(hanging, () -> null, 0, Duration.ofMillis(200)).health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails())
          .containsEntry("error", "Redis did not answer within PT0.2S (spool.health.timeout)");
    } finally {
      redisAnswers.countDown();
    }
  }
}
