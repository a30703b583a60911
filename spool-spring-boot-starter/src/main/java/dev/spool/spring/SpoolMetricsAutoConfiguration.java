package dev.spool.spring;

import dev.spool.Spool;
import dev.spool.micrometer.SpoolMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Spool's Micrometer meters when Micrometer is present: {@link SpoolMetrics} is a listener of the
 * Spool and a {@code MeterBinder} that Spring Boot binds to its registries.
 */
@AutoConfiguration(before = SpoolAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, SpoolMetrics.class})
@ConditionalOnSwitch(value = "spool.metrics.enabled", onIfMissing = true)
public class SpoolMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public SpoolMetrics spoolMetrics(SpoolProperties properties) {
    return new SpoolMetrics(properties.getMetrics().getCountsMaxAge());
  }

  /** The queue gauges need the built Spool, which needs the metrics: wired once both exist. */
  @Bean
  public SmartInitializingSingleton spoolMetricsMonitor(
      SpoolMetrics metrics, ObjectProvider<Spool> spool) {
    return () -> spool.ifAvailable(s -> metrics.monitor(s.monitor()));
  }

  @Bean
  public WorkerStartedListener spoolWorkerMetrics(SpoolMetrics metrics) {
    return metrics::worker;
  }
}
