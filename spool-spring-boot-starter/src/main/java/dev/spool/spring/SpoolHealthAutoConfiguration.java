package dev.spool.spring;

import dev.spool.Spool;
import dev.spool.Worker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The "spool" health indicator, when Spring Boot Actuator is present. */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(Spool.class)
@ConditionalOnEnabledHealthIndicator("spool")
public class SpoolHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "spoolHealthIndicator")
  public SpoolHealthIndicator spoolHealthIndicator(
      Spool spool, SpoolProperties properties, ObjectProvider<SpoolWorkerLifecycle> worker) {
    return new SpoolHealthIndicator(
        spool.monitor(),
        () -> {
          SpoolWorkerLifecycle lifecycle = worker.getIfAvailable();
          if (lifecycle == null) {
            return null;
          }
          Worker running = lifecycle.worker();
          return running != null ? running : lifecycle.workerStoppedByItself();
        },
        properties.getHealth().getDeadGrowthThreshold(),
        properties.getHealth().getTimeout());
  }
}
