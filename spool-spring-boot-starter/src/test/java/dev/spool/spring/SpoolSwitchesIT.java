package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.dashboard.SpoolDashboard;
import dev.spool.micrometer.SpoolMetrics;
import dev.spool.opentelemetry.SpoolTracing;
import dev.spool.testkit.SpoolRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The spool.*.enabled switches mean what SpoolProperties binds them to: Spring binds yes/no, on/off
 * and 1/0 as booleans, and the conditions used to compare the text with "true" or "false" only, so
 * spool.worker.enabled=no ran the worker and spool.dashboard.enabled=yes served no dashboard.
 */
class SpoolSwitchesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpoolMetricsAutoConfiguration.class,
                SpoolTracingAutoConfiguration.class,
                SpoolAutoConfiguration.class,
                SpoolDashboardAutoConfiguration.class))
        .withUserConfiguration(
            SpoolAutoConfigurationIT.Handlers.class, SpoolAutoConfigurationIT.Tracing.class)
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + SpoolRedis.namespace(),
            "spool.worker.shutdown-timeout=0s",
            "spool.dashboard.port=0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"no", "off", "0"})
  void offSpelledAnyWaySpringBindsTurnsTheWorkerMetricsAndTracingOff(String off) {
    runner()
        .withPropertyValues(
            "spool.worker.enabled=" + off,
            "spool.metrics.enabled=" + off,
            "spool.tracing.enabled=" + off)
        .run(
            context -> {
              assertThat(context.getBean(SpoolProperties.class).getWorker().isEnabled()).isFalse();
              assertThat(context)
                  .doesNotHaveBean(SpoolWorkerLifecycle.class)
                  .doesNotHaveBean(SpoolMetrics.class)
                  .doesNotHaveBean(SpoolTracing.class);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "on", "1"})
  void onSpelledAnyWaySpringBindsServesTheDashboard(String on) {
    runner()
        .withPropertyValues("spool.dashboard.enabled=" + on)
        .run(context -> assertThat(context).hasSingleBean(SpoolDashboard.class));
  }

  @Test
  void aSwitchThatIsNoBooleanStopsTheApplicationNamingIt() {
    runner()
        .withPropertyValues("spool.worker.enabled=maybe")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "Failed to bind properties under 'spool.worker.enabled'"));
  }
}
