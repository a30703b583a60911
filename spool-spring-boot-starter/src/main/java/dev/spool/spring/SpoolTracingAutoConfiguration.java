package dev.spool.spring;

import dev.spool.opentelemetry.SpoolTracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Spool's OpenTelemetry spans when the application has an {@link OpenTelemetry} bean. */
@AutoConfiguration(
    before = SpoolAutoConfiguration.class,
    afterName =
        "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration")
@ConditionalOnClass({OpenTelemetry.class, SpoolTracing.class})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnSwitch(value = "spool.tracing.enabled", onIfMissing = true)
public class SpoolTracingAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public SpoolTracing spoolTracing(OpenTelemetry openTelemetry) {
    return new SpoolTracing(openTelemetry);
  }
}
