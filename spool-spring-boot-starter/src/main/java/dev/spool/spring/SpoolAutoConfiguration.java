package dev.spool.spring;

import dev.spool.JobClient;
import dev.spool.JobInterceptor;
import dev.spool.JobListener;
import dev.spool.Spool;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link Spool} from the {@code spool.*} properties, with every {@link JobListener} and {@link
 * JobInterceptor} bean registered and every {@link SpoolBuilderCustomizer} bean applied; a worker
 * node for the {@link SpoolHandler} beans.
 *
 * <p>A {@link JobClient} bean of the application's own (a {@code Spool}, or a test's {@code
 * FakeJobs} or {@code InlineJobs}) replaces the auto-configured Spool, as a {@code DataSource} of
 * one's own replaces Spring Boot's: without a Spool bean there is no worker, health indicator or
 * dashboard either, and nothing connects to Redis.
 */
@AutoConfiguration
@EnableConfigurationProperties(SpoolProperties.class)
public class SpoolAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(JobClient.class)
  public Spool spool(
      SpoolProperties properties,
      ObjectProvider<JobListener> listeners,
      ObjectProvider<JobInterceptor> interceptors,
      ObjectProvider<SpoolBuilderCustomizer> customizers) {
    Spool.Builder builder =
        Spool.builder()
            .redis(properties.getRedis().getUri())
            .namespace(properties.getNamespace())
            .retention(properties.getRetention())
            .commandTimeout(properties.getCommandTimeout())
            .defaultRetry(properties.getRetry().toRetry());
    listeners.orderedStream().forEach(builder::listener);
    interceptors.orderedStream().forEach(builder::interceptor);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** SPOOL_REDIS as the Redis URI, SPOOL_WORKER and the like unbound: see {@link SectionValues}. */
  @Bean
  static ConfigurationPropertiesBindHandlerAdvisor spoolSectionValues() {
    return SectionValues::new;
  }

  @Bean
  static UnknownSpoolPropertiesWarning unknownSpoolPropertiesWarning(Environment environment) {
    return new UnknownSpoolPropertiesWarning(environment);
  }

  /** Declared after {@link #spool}: its condition sees the Spool bean, auto-configured or not. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean({Spool.class, SpoolHandler.class})
  @ConditionalOnSwitch(value = "spool.worker.enabled", onIfMissing = true)
  public SpoolWorkerLifecycle spoolWorkerLifecycle(
      Spool spool,
      SpoolProperties properties,
      Map<String, SpoolHandler<?>> handlers,
      ObjectProvider<WorkerStartedListener> listeners) {
    return new SpoolWorkerLifecycle(
        spool, properties.getWorker(), handlers, listeners.orderedStream().toList());
  }
}
