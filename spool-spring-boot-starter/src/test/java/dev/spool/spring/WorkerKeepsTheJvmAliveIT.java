package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An application with no web server (a worker process, spring.main.web-application-type=none) used
 * to exit as soon as it had started: the worker's threads are daemon or virtual, so once main
 * returned nothing held the JVM and the shutdown hook stopped the worker. The JVM stays up while a
 * non-daemon thread lives, so the running worker holds one.
 */
class WorkerKeepsTheJvmAliveIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SpoolAutoConfiguration.class))
          .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
          .withPropertyValues(
              "spool.redis.uri=" + redis.uri(),
              "spool.namespace=" + SpoolRedis.namespace(),
              "spool.worker.name=keep-alive-node",
              "spool.worker.shutdown-timeout=0s");

  private static boolean aNonDaemonThreadNamedAfterTheNodeLives() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> !t.isDaemon() && t.isAlive() && t.getName().contains("keep-alive-node"));
  }

  @Test
  void aRunningWorkerHoldsANonDaemonThreadUntilItStops() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(SpoolWorkerLifecycle.class);
          assertThat(aNonDaemonThreadNamedAfterTheNodeLives()).isTrue();
          context.getBean(SpoolWorkerLifecycle.class).stop();
          await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> !aNonDaemonThreadNamedAfterTheNodeLives());
        });
  }
}
