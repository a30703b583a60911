package dev.spool.spring;

import dev.spool.Spool;
import dev.spool.dashboard.SpoolDashboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The Spool dashboard on a port of its own, when {@code spool.dashboard.enabled=true} and
 * spool-dashboard is on the class path. It is an admin console (it can kill jobs): it binds to
 * 127.0.0.1 unless told otherwise, and refuses to start on another address without a token.
 */
@AutoConfiguration(after = SpoolAutoConfiguration.class)
@ConditionalOnClass(SpoolDashboard.class)
@ConditionalOnBean(Spool.class)
@ConditionalOnSwitch(value = "spool.dashboard.enabled", onIfMissing = false)
public class SpoolDashboardAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SpoolDashboardAutoConfiguration.class);

  /** Started here rather than by an init method, to log where it listens (port 0 picks one). */
  @Bean(destroyMethod = "stop")
  @ConditionalOnMissingBean
  public SpoolDashboard spoolDashboard(Spool spool, SpoolProperties properties) {
    SpoolProperties.Dashboard d = properties.getDashboard();
    SpoolDashboard.Builder builder =
        SpoolDashboard.builder()
            .spool(spool)
            .bind(d.getBind())
            .port(d.getPort())
            .readOnly(d.isReadOnly());
    if (d.getPathPrefix() != null && !d.getPathPrefix().isEmpty()) {
      builder.pathPrefix(d.getPathPrefix());
    }
    if (d.getToken() != null && !d.getToken().isEmpty()) {
      builder.token(d.getToken());
    }
    SpoolDashboard dashboard = builder.build().start();
    log.info("Spool dashboard at {}", dashboard.url());
    return dashboard;
  }
}
