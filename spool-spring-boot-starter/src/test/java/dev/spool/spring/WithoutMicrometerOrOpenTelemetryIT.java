package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Spool;
import dev.spool.spring.SpoolAutoConfigurationIT.Greeting;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * spool-micrometer and spool-opentelemetry are optional dependencies of the starter: an application
 * without them (nor Micrometer, nor OpenTelemetry) gets its Spool and worker all the same.
 */
class WithoutMicrometerOrOpenTelemetryIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void theStarterWorksWithNeitherOnTheClassPath() {
    new ApplicationContextRunner()
        .withClassLoader(
            new FilteredClassLoader(
                "io.micrometer",
                "io.opentelemetry",
                "dev.spool.micrometer",
                "dev.spool.opentelemetry"))
        .withConfiguration(
            AutoConfigurations.of(
                SpoolMetricsAutoConfiguration.class,
                SpoolTracingAutoConfiguration.class,
                SpoolAutoConfiguration.class,
                SpoolHealthAutoConfiguration.class))
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + SpoolRedis.namespace(),
            "spool.worker.shutdown-timeout=0s")
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .doesNotHaveBean("spoolMetrics")
                  .doesNotHaveBean("spoolTracing")
                  .hasSingleBean(SpoolWorkerLifecycle.class);
              context
                  .getBean(Spool.class)
                  .enqueue(SpoolAutoConfigurationIT.GREET, new Greeting("no-obs"));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> SpoolAutoConfigurationIT.seen.containsKey("no-obs"));
            });
  }
}
