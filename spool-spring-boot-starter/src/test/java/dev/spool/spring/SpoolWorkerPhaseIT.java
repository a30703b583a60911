package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testkit.SpoolRedis;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The worker starts once the web server took its port, and stops before the server does. */
class SpoolWorkerPhaseIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final List<String> workersStarted = new CopyOnWriteArrayList<>();

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    ServletWebServerFactoryAutoConfiguration.class,
    SpoolAutoConfiguration.class
  })
  @Import(SpoolAutoConfigurationIT.Handlers.class)
  static class WebApp {
    @Bean
    WorkerStartedListener recordWorkerStarted() {
      return worker -> workersStarted.add(worker.name());
    }
  }

  private SpringApplicationBuilder app(int port) {
    return new SpringApplicationBuilder(WebApp.class)
        .web(WebApplicationType.SERVLET)
        .properties(
            "server.port=" + port,
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + SpoolRedis.namespace(),
            "spool.worker.name=phase-node",
            "spool.worker.shutdown-timeout=0s");
  }

  @Test
  void aWebServerThatCannotStartStopsTheApplicationBeforeTheWorkerRunsAnyJob() throws Exception {
    workersStarted.clear();
    try (ServerSocket taken = new ServerSocket(0)) {
      assertThatThrownBy(() -> app(taken.getLocalPort()).run()).isNotNull();
    }
    assertThat(workersStarted).isEmpty();
  }

  @Test
  void theWorkersPhaseIsBetweenTheWebServersStartAndItsGracefulShutdown() {
    try (ConfigurableApplicationContext context = app(0).run()) {
      int webServer = context.getBean("webServerStartStop", SmartLifecycle.class).getPhase();
      int graceful = context.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
      // started in rising phase order, stopped in falling order
      assertThat(SpoolWorkerLifecycle.PHASE).isGreaterThan(webServer).isLessThan(graceful);
      assertThat(context.getBean(SpoolWorkerLifecycle.class).isRunning()).isTrue();
    }
  }
}
