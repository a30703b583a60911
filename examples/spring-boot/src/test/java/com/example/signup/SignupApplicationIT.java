package com.example.signup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample application, started whole on a random port against an embedded Redis; metrics export
 * is on (Spring Boot turns it off in tests unless asked).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
class SignupApplicationIT {
  static final SpoolRedis redis = SpoolRedis.embedded();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry properties) {
    properties.add("spool.redis.uri", redis::uri);
    properties.add("spool.namespace", SpoolRedis::namespace);
    properties.add("spool.worker.name", () -> "signup-test");
  }

  @LocalServerPort int port;
  @Autowired WelcomeHandler handler;

  final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignupEnqueuesAWelcomeThatTheWorkerRunsAndActuatorShows() throws Exception {
    HttpResponse<String> signup = send("POST", "/signups?email=ada@example.com");
    assertThat(signup.statusCode()).isEqualTo(202);
    assertThat(signup.body()).contains("\"job\":\"mail:");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handler.welcomed.contains("ada@example.com"));

    HttpResponse<String> health = send("GET", "/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .startsWith("{\"status\":\"UP\"")
        .contains("\"spool\":{\"status\":\"UP\"");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(send("GET", "/actuator/prometheus").body())
                    .contains("spool_jobs_enqueued_total{queue=\"mail\",type=\"welcome\"} 1.0")
                    .contains("spool_jobs_succeeded_total{queue=\"mail\",type=\"welcome\"} 1.0")
                    .contains("spool_jobs_execution_seconds_bucket")
                    .contains("spool_queue_jobs{queue=\"mail\",state=\"ready\"}")
                    .contains("spool_worker_concurrency{node=\"signup-test\"} 20.0"));
  }
}
