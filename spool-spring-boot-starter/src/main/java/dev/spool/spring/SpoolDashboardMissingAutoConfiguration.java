package dev.spool.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;

/**
 * Says why there is no dashboard when {@code spool.dashboard.enabled=true} but spool-dashboard is
 * not on the class path: the application would otherwise start without it, silently.
 */
@AutoConfiguration
@ConditionalOnMissingClass("dev.spool.dashboard.SpoolDashboard")
@ConditionalOnSwitch(value = "spool.dashboard.enabled", onIfMissing = false)
public class SpoolDashboardMissingAutoConfiguration {
  private static final Logger log =
      LoggerFactory.getLogger(SpoolDashboardMissingAutoConfiguration.class);

  @Bean
  public SmartInitializingSingleton spoolDashboardMissingWarning() {
    return () ->
        log.warn(
            "spool.dashboard.enabled=true, but spool-dashboard is not on the class path: no"
                + " dashboard is served. Add the dependency dev.spool:spool-dashboard.");
  }
}
