package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.JobInterceptor;
import dev.spool.JobListener;
import dev.spool.PayloadTooLargeException;
import dev.spool.Spool;
import dev.spool.spring.SpoolAutoConfigurationIT.Greeting;
import dev.spool.testkit.SpoolRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What has no spool.* property is set on the auto-configured Spool through a customizer; a Spool
 * bean of one's own keeps Spool's metrics and traces only if it registers them itself.
 */
class SpoolBeanOfYourOwnIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Configuration(proxyBeanMethods = false)
  static class Limits {
    // snippet: spring-customizer
    @Bean
    SpoolBuilderCustomizer spoolLimits() {
      return builder -> builder.keepSucceeded(true).deadJobsMaxSize(50_000).maxPayloadBytes(1024);
    }
    // end snippet
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnSpool {
    // snippet: spring-own-spool
    @Bean(destroyMethod = "close")
    Spool spool(
        SpoolProperties properties,
        ObjectProvider<JobListener> listeners,
        ObjectProvider<JobInterceptor> interceptors) {
      Spool.Builder builder =
          Spool.builder()
              .redis(properties.getRedis().getUri())
              .namespace(properties.getNamespace())
              .shardedQueue("greetings", 4);
      listeners.orderedStream().forEach(builder::listener); // Spool's meters, when present
      interceptors.orderedStream().forEach(builder::interceptor); // Spool's spans, when present
      return builder.build();
    }
    // end snippet
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class,
                SpoolMetricsAutoConfiguration.class,
                SpoolAutoConfiguration.class))
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + SpoolRedis.namespace(),
            "spool.worker.shutdown-timeout=0s");
  }

  @Test
  void aCustomizerAdjustsTheAutoConfiguredSpool() {
    runner()
        .withUserConfiguration(Limits.class)
        .run(
            context ->
                assertThatThrownBy(
                        () ->
                            context
                                .getBean(Spool.class)
                                .enqueue(
                                    SpoolAutoConfigurationIT.GREET, new Greeting("x".repeat(2048))))
                    .isInstanceOf(PayloadTooLargeException.class));
  }

  @Test
  void aSpoolBeanOfYourOwnKeepsTheMetricsWhenItRegistersTheListeners() {
    runner()
        .withUserConfiguration(OwnSpool.class)
        .run(
            context -> {
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              context
                  .getBean(Spool.class)
                  .enqueue(SpoolAutoConfigurationIT.GREET, new Greeting("own"));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until( // summed: a job is counted under its shard's queue name
                      () ->
                          registry
                                  .find("spool.jobs.succeeded")
                                  .tag("type", "greet")
                                  .counters()
                                  .stream()
                                  .mapToDouble(Counter::count)
                                  .sum()
                              == 1);
            });
  }
}
