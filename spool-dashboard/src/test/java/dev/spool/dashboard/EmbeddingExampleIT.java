package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedding examples of docs/dashboard.md, run. */
class EmbeddingExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void embedsTheDashboardInAnApplication() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      // snippet: embed
      SpoolDashboard dashboard =
          SpoolDashboard.builder()
              .spool(spool)
              .port(0) // 0: a free port; the default is 8080 on 127.0.0.1
              .pathPrefix("/spool") // behind a reverse proxy at https://ops.example.com/spool/
              .build()
              .start();
      String url = dashboard.url(); // http://127.0.0.1:<port>/spool/
      // ...
      dashboard.stop();
      // end snippet
      assertThat(url).contains("/spool/");
    }
  }

  @Test
  void guardsTheDashboardWithTheApplicationsOwnAuthentication() {
    try (Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build()) {
      // snippet: embed-auth
      SpoolDashboard dashboard =
          SpoolDashboard.builder()
              .spool(spool)
              .bind("0.0.0.0") // beyond loopback: refused unless one of the three below is set
              .port(0)
              .auth(request -> isAdminSession(request.header("Cookie")))
              // or .token(System.getenv("SPOOL_DASHBOARD_TOKEN"))
              // or .basicAuth("ops", System.getenv("SPOOL_DASHBOARD_PASSWORD"))
              .readOnly(true) // shows everything, changes nothing
              .build()
              .start();
      // end snippet
      Http http = new Http("http://127.0.0.1:" + dashboard.port() + "/");
      assertThat(http.get("api/overview").status()).isEqualTo(401);
      assertThat(http.get("api/overview", "Cookie", "session=admin").status()).isEqualTo(200);
      dashboard.stop();
    }
  }

  private static boolean isAdminSession(String cookie) {
    return "session=admin".equals(cookie);
  }
}
