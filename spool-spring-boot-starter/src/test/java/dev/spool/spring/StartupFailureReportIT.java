package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.dashboard.DashboardAuth;
import dev.spool.dashboard.SpoolDashboard;
import dev.spool.testkit.FakeJobs;
import dev.spool.testkit.SpoolRedis;
import dev.spool.testkit.SpoolTesting;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What stops the application at start-up besides Redis (see {@link RedisStartupFailureReportIT}) is
 * Spring Boot's "APPLICATION FAILED TO START" report, whose Action names the spool.* properties to
 * change, not the CLI's flags or a builder's methods.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({SpoolAutoConfiguration.class, SpoolDashboardAutoConfiguration.class})
  static class App {}

  private static ConfigurableApplicationContext start(Class<?> app, String... properties) {
    List<String> all = new ArrayList<>();
    all.add("spool.redis.uri=" + redis.uri());
    all.add("spool.namespace=" + SpoolRedis.namespace());
    all.add("spool.worker.shutdown-timeout=0s");
    all.addAll(List.of(properties));
    return new SpringApplicationBuilder(app)
        .web(WebApplicationType.NONE)
        .properties(all.toArray(String[]::new))
        .run();
  }

  private static void failsToStart(Class<?> app, String... properties) {
    assertThatThrownBy(() -> start(app, properties).close()).isNotNull();
  }

  @Nested
  class TheDashboard {
    @Test
    void onAllAddressesWithoutAuthenticationIsReportedWithTheSpringOptions(CapturedOutput output) {
      failsToStart(
          App.class,
          "spool.dashboard.enabled=true",
          "spool.dashboard.bind=0.0.0.0",
          "spool.dashboard.port=0");
      assertThat(output)
          .contains("APPLICATION FAILED TO START")
          .contains(
              "Spool's dashboard refuses to serve on 0.0.0.0 (spool.dashboard.bind) without"
                  + " authentication")
          .contains(
              "set spool.dashboard.token (at least 8 characters), or spool.dashboard.username and"
                  + " spool.dashboard.password, or define a DashboardAuth bean")
          .doesNotContain("--token")
          .doesNotContain("token(...)");
    }

    @Test
    void withATokenUnderEightCharactersIsReportedWithoutTheToken(CapturedOutput output) {
      failsToStart(
          App.class,
          "spool.dashboard.enabled=true",
          "spool.dashboard.port=0",
          "spool.dashboard.token=s3cret");
      assertThat(output)
          .contains("APPLICATION FAILED TO START")
          .contains("refuses spool.dashboard.token: a dashboard token needs at least 8 characters")
          .contains("Set spool.dashboard.token to a secret of at least 8 characters")
          .doesNotContain("s3cret");
    }

    @Test
    void onAPortInUseIsReportedNamingThePortProperty(CapturedOutput output) throws Exception {
      try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        failsToStart(
            App.class,
            "spool.dashboard.enabled=true",
            "spool.dashboard.port=" + taken.getLocalPort());
      }
      assertThat(output)
          .contains("APPLICATION FAILED TO START")
          .contains("(is the port in use?)")
          .contains("Set spool.dashboard.port to a free port");
    }

    @Test
    void withAUsernameWithoutAPasswordIsReported(CapturedOutput output) {
      failsToStart(
          App.class,
          "spool.dashboard.enabled=true",
          "spool.dashboard.port=0",
          "spool.dashboard.username=ops");
      assertThat(output)
          .contains("APPLICATION FAILED TO START")
          .contains("has spool.dashboard.username but no spool.dashboard.password");
    }

    @Test
    void servesOnAllAddressesWithAUsernameAndPassword() throws Exception {
      try (ConfigurableApplicationContext context =
          start(
              App.class,
              "spool.dashboard.enabled=true",
              "spool.dashboard.bind=0.0.0.0",
              "spool.dashboard.port=0",
              "spool.dashboard.username=ops",
              "spool.dashboard.password=secret")) {
        String overview = context.getBean(SpoolDashboard.class).url() + "api/overview";
        String basic =
            Base64.getEncoder().encodeToString("ops:secret".getBytes(StandardCharsets.UTF_8));
        assertThat(get(overview, null)).isEqualTo(401);
        assertThat(get(overview, "Basic " + basic)).isEqualTo(200);
      }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({SpoolAutoConfiguration.class, SpoolDashboardAutoConfiguration.class})
    static class WithAuth {
      @Bean
      DashboardAuth adminsOnly() {
        return request -> "yes".equals(request.header("X-Admin"));
      }
    }

    @Test
    void servesOnAllAddressesWithADashboardAuthBean() throws Exception {
      try (ConfigurableApplicationContext context =
          start(
              WithAuth.class,
              "spool.dashboard.enabled=true",
              "spool.dashboard.bind=0.0.0.0",
              "spool.dashboard.port=0")) {
        String overview = context.getBean(SpoolDashboard.class).url() + "api/overview";
        assertThat(get(overview, null)).isEqualTo(401);
        HttpRequest admin =
            HttpRequest.newBuilder(URI.create(overview)).header("X-Admin", "yes").build();
        assertThat(
                HttpClient.newHttpClient()
                    .send(admin, HttpResponse.BodyHandlers.discarding())
                    .statusCode())
            .isEqualTo(200);
      }
    }

    private static int get(String url, String authorization) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      return HttpClient.newHttpClient()
          .send(request.build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SpoolAutoConfiguration.class)
  static class WorkerApp extends SpoolAutoConfigurationIT.Handlers {}

  @Test
  void aWorkerNameThatALiveNodeHoldsIsReportedNamingTheProperty(CapturedOutput output) {
    String namespace = SpoolRedis.namespace();
    try (Spool spool = Spool.builder().redis(redis.uri()).namespace(namespace).build();
        Worker other =
            spool
                .worker("billing-1")
                .handle(SpoolAutoConfigurationIT.GREET, (job, args) -> {})
                .start()) {
      failsToStart(
          WorkerApp.class, "spool.namespace=" + namespace, "spool.worker.name=" + other.name());
    }
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("Spool's worker cannot start: a live worker node named 'billing-1' is already")
        .contains("Give this instance another spool.worker.name")
        .doesNotContain("Application run failed");
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SpoolAutoConfiguration.class)
  static class FakeAndASpoolUser {
    @Bean
    FakeJobs jobs() {
      return SpoolTesting.fake();
    }

    @Bean
    Object statusPage(Spool spool) {
      return spool;
    }
  }

  @Test
  void aBeanThatTakesASpoolBesideAJobClientOfOnesOwnIsReportedNamingTheJobClient(
      CapturedOutput output) {
    failsToStart(FakeAndASpoolUser.class);
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains(
            "Bean 'statusPage' needs a Spool, and there is none: the application's JobClient bean"
                + " 'jobs' replaces the auto-configured Spool")
        .contains("Take a JobClient instead of a Spool")
        .doesNotContain("Consider defining a bean of type 'dev.spool.Spool'");
  }
}
