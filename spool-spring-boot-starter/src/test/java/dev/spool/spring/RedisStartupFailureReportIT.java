package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * An application whose Redis URI is wrong or whose Redis is down stops with Spring Boot's
 * "APPLICATION FAILED TO START" report naming spool.redis.uri, not a stack trace four exceptions
 * deep.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisStartupFailureReportIT {

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SpoolAutoConfiguration.class)
  static class App {}

  private static void run(String uri) {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(App.class)
                    .web(WebApplicationType.NONE)
                    .properties("spool.redis.uri=" + uri, "spool.command-timeout=2s")
                    .run()
                    .close())
        .isNotNull();
  }

  @Test
  void aUriThatIsNoRedisUriIsReportedWithThePropertyToFix(CapturedOutput output) {
    run("http://localhost:6379");
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("invalid Redis URI 'http://localhost:6379'")
        .contains("Correct spool.redis.uri");
  }

  @Test
  void aRedisThatCannotBeReachedIsReportedWithThePropertyToCheck(CapturedOutput output)
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    run("redis://:secret@127.0.0.1:" + closedPort);
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("cannot reach Redis at")
        .contains("spool.redis.uri")
        .doesNotContain("secret");
  }
}
