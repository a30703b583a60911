package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobContext;
import dev.spool.JobType;
import dev.spool.dashboard.SpoolDashboard;
import dev.spool.spring.SpoolAutoConfigurationIT.Greeting;
import dev.spool.testkit.SpoolRedis;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Settings that cannot work are refused or said out loud, not accepted silently. */
@ExtendWith(OutputCaptureExtension.class)
class SpoolMisconfigurationIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  /** A second handler for the job type of {@link SpoolAutoConfigurationIT.Handlers}. */
  @Configuration(proxyBeanMethods = false)
  static class SecondGreeter {
    @Bean
    SpoolHandler<Greeting> otherGreeter() {
      return new SpoolHandler<>() {
        @Override
        public JobType<Greeting> type() {
          return SpoolAutoConfigurationIT.GREET;
        }

        @Override
        public void handle(JobContext job, Greeting args) {}
      };
    }
  }

  /** A handler that names no job type, as a half-written one does. */
  @Configuration(proxyBeanMethods = false)
  static class TypelessHandler {
    @Bean
    SpoolHandler<Greeting> typeless() {
      return new SpoolHandler<>() {
        @Override
        public JobType<Greeting> type() {
          return null;
        }

        @Override
        public void handle(JobContext job, Greeting args) {}
      };
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpoolMetricsAutoConfiguration.class,
                SpoolAutoConfiguration.class,
                SpoolHealthAutoConfiguration.class,
                SpoolDashboardAutoConfiguration.class,
                SpoolDashboardMissingAutoConfiguration.class))
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + SpoolRedis.namespace(),
            "spool.worker.shutdown-timeout=0s");
  }

  @Test
  void theDashboardEnabledWithoutSpoolDashboardIsWarnedOf(CapturedOutput output) {
    runner()
        .withClassLoader(new FilteredClassLoader(SpoolDashboard.class))
        .withPropertyValues("spool.dashboard.enabled=true")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains("WARN")
        .contains("spool-dashboard is not on the class path")
        .contains("dev.spool:spool-dashboard");
  }

  @Test
  void theDashboardSaysWhereItListens(CapturedOutput output) {
    runner()
        .withPropertyValues("spool.dashboard.enabled=true", "spool.dashboard.port=0")
        .run(
            context ->
                assertThat(output)
                    .contains("Spool dashboard at " + context.getBean(SpoolDashboard.class).url()));
  }

  @Test
  void aRetryPolicyRetryCannotFollowIsRefusedAtBinding() {
    assertRefused("spool.retry.attempts=0", "spool.retry.attempts must be at least 1");
    assertRefused("spool.retry.jitter=1.5", "spool.retry.jitter must be in [0, 1)");
    // Retry's own rules, in the property's name (Retry says "firstDelay must not be negative").
    assertRefused("spool.retry.first-delay=-1s", "spool.retry.first-delay must not be negative");
    assertRefused("spool.retry.multiplier=0.5", "spool.retry.multiplier must be 1.0 or more");
    assertRefused(
        "spool.retry.no-retry-for=java.lang.IllegalStateException,not a class",
        "spool.retry.no-retry-for: not a class name: 'not a class'");
  }

  @Test
  void negativeDurationsAndThresholdsAreRefusedAtBinding() {
    assertRefused(
        "spool.metrics.counts-max-age=-1s", "spool.metrics.counts-max-age must not be negative");
    assertRefused(
        "spool.health.dead-growth-threshold=-5",
        "spool.health.dead-growth-threshold must not be negative");
  }

  /**
   * The worker checked these only when it started, after the web server had taken its port, and its
   * message named the builder's parameter ("concurrency must be …"), not the property; binding
   * fails before any bean is built, and Spring Boot's report shows the property's value and origin.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "spool.worker.concurrency=-1; spool.worker.concurrency must be in [1, 10000]",
        "spool.worker.concurrency=0; spool.worker.concurrency must be in [1, 10000]",
        "spool.worker.lease=100ms; spool.worker.lease must be at least 300 ms",
        "spool.worker.shutdown-timeout=-1s; spool.worker.shutdown-timeout must not be negative",
        "spool.worker.max-hand-backs=-1; spool.worker.max-hand-backs must be in [0, 1000]",
        "spool.worker.queues=mail,bad name!; spool.worker.queues: invalid queue name",
        "spool.worker.queues=mail=0; spool.worker.queues: weight of 'mail' must be 1 to 1000",
        "spool.worker.queues=mail,mail=2; spool.worker.queues: 'mail' is listed twice",
        "spool.worker.name=a|b; spool.worker.name: invalid worker name",
        "spool.namespace=a b; spool.namespace: invalid namespace",
        // Refused when the Spool bean was built, by a message that named no property.
        "spool.retention=0s; spool.retention must be positive, got PT0S",
        "spool.retention=-1d; spool.retention must be positive",
        "spool.command-timeout=0s; spool.command-timeout must be positive, got PT0S",
        "spool.command-timeout=-5s; spool.command-timeout must be positive",
      })
  void settingsSpoolWouldRefuseAreRefusedAtBindingNamingTheProperty(
      String setting, String message) {
    runner()
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
        .withPropertyValues(setting)
        .run(
            context -> {
              assertThat(context).getFailure().hasStackTraceContaining("Failed to bind properties");
              assertThat(context).getFailure().rootCause().hasMessageContaining(message);
            });
  }

  @Test
  void twoHandlersForOneTypeAreRefusedNamingBothBeans() {
    runner()
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class, SecondGreeter.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("'greeter' and 'otherGreeter'")
                    .hasMessageContaining("job type 'greet'"));
  }

  /** It used to stop the application with a NullPointerException that named no bean. */
  @Test
  void aHandlerWithoutAJobTypeIsRefusedNamingTheBean() {
    runner()
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class, TypelessHandler.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SpoolHandler bean 'typeless'")
                    .hasMessageContaining("type() returned null"));
  }

  /** A misspelt key used to be ignored silently, leaving the default in force. */
  @Test
  void aSpoolPropertyThatDoesNotExistIsWarnedOf(CapturedOutput output) {
    runner()
        .withPropertyValues("spool.worker.concurency=5", "spool.redis.url=redis://elsewhere:6379")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains("WARN")
        .contains("spool.worker.concurency is not a Spool property")
        .contains("spool.redis.url is not a Spool property");
  }

  /** Every job this node fetched from such a queue failed: no handler is registered for it. */
  @Test
  void aQueueListNamingAQueueNoHandlerServesIsWarnedOf(CapturedOutput output) {
    runner()
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
        .withPropertyValues("spool.worker.queues=greetings,reports")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains("WARN")
        .contains("spool.worker.queues=[greetings, reports] names queue(s) 'reports'")
        .contains("no SpoolHandler bean");
  }

  @Test
  void aQueueListLeavingOutAHandlersQueueIsWarnedOf(CapturedOutput output) {
    runner()
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
        .withPropertyValues("spool.worker.queues=mail")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output)
        .contains("WARN")
        .contains("leaves out the queue of job type(s) 'greet' (queue 'greetings')");
  }

  @Test
  void theHealthIndicatorsSwitchIsInTheConfigurationMetadata() throws Exception {
    try (InputStream metadata =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(metadata).isNotNull();
      assertThat(new String(metadata.readAllBytes(), StandardCharsets.UTF_8))
          .contains("\"management.health.spool.enabled\"")
          .contains("\"spool.health.timeout\"")
          .contains("redis-cluster:"); // the IDE's help for spool.redis.uri names every form
    }
  }

  /** The application does not start with this property value, and its root cause says why. */
  private void assertRefused(String property, String message) {
    runner()
        .withPropertyValues(property)
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining(message));
  }
}
