package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The environment variables an operator exports for the CLI (SPOOL_REDIS, SPOOL_NAMESPACE) reach a
 * Spring application too, which Spring binds under spool.*: SPOOL_REDIS is the Redis URI there as
 * well, and a variable named after another section of the properties (SPOOL_WORKER) is warned of.
 * Both used to stop the application with a binding failure whose report printed the value, a
 * password included.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpoolEnvironmentVariablesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final String namespace = SpoolRedis.namespace();

  /** An application whose process environment holds these variables (and no other). */
  private ApplicationContextRunner runnerWithEnvironment(Map<String, Object> variables) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SpoolAutoConfiguration.class))
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            variables)))
        .withPropertyValues("spool.namespace=" + namespace, "spool.command-timeout=2s");
  }

  /** As application.properties would set it: below the environment. */
  private static ApplicationContextRunner withApplicationProperty(
      ApplicationContextRunner runner, String name, String value) {
    return runner.withInitializer(
        context ->
            context
                .getEnvironment()
                .getPropertySources()
                .addLast(new MapPropertySource("applicationProperties", Map.of(name, value))));
  }

  @Test
  void spoolRedisIsTheRedisUriAsForTheCli() {
    runnerWithEnvironment(Map.of("SPOOL_REDIS", redis.uri()))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Spool.class);
              assertThat(context.getBean(SpoolProperties.class).getRedis().getUri())
                  .isEqualTo(redis.uri());
            });
  }

  @Test
  void spoolRedisWinsOverAUriOfTheApplicationsPropertiesAsEveryVariableDoes() {
    withApplicationProperty(
            runnerWithEnvironment(Map.of("SPOOL_REDIS", redis.uri())),
            "spool.redis.uri",
            "redis://127.0.0.1:1")
        .run(
            context ->
                assertThat(context.getBean(SpoolProperties.class).getRedis().getUri())
                    .isEqualTo(redis.uri()));
  }

  @Test
  void aUriSetAboveTheEnvironmentOrBySpoolRedisUriWinsOverSpoolRedis() {
    runnerWithEnvironment(Map.of("SPOOL_REDIS", "redis://127.0.0.1:1"))
        .withPropertyValues("spool.redis.uri=" + redis.uri()) // as a command-line argument
        .run(
            context ->
                assertThat(context.getBean(SpoolProperties.class).getRedis().getUri())
                    .isEqualTo(redis.uri()));
    runnerWithEnvironment(
            Map.of("SPOOL_REDIS", "redis://127.0.0.1:1", "SPOOL_REDIS_URI", redis.uri()))
        .run(
            context ->
                assertThat(context.getBean(SpoolProperties.class).getRedis().getUri())
                    .isEqualTo(redis.uri()));
  }

  @Test
  void spoolRedisIsNotWarnedOfAsAPropertySpoolLacks(CapturedOutput output) {
    runnerWithEnvironment(Map.of("SPOOL_REDIS", redis.uri()))
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output).doesNotContain("is not a Spool property");
  }

  @Test
  void variablesNamedAfterASectionAreWarnedOfAndIgnored(CapturedOutput output) {
    Map<String, Object> variables = new HashMap<>();
    for (String section : new String[] {"WORKER", "RETRY", "HEALTH", "METRICS", "DASHBOARD"}) {
      variables.put("SPOOL_" + section, "x-" + section.toLowerCase());
    }
    variables.put("SPOOL_TRACING", "");
    variables.put("SPOOL_REDIS_URI", redis.uri());
    runnerWithEnvironment(variables)
        .withPropertyValues("spool.worker.concurrency=3")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SpoolProperties.class).getWorker().getConcurrency())
                  .isEqualTo(3);
            });
    assertThat(output)
        .containsPattern("spool.worker is not a Spool property \\(.*SPOOL_WORKER")
        .contains("spool.retry is not a Spool property")
        .contains("spool.health is not a Spool property")
        .contains("spool.dashboard is not a Spool property")
        .doesNotContain("x-worker");
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(SpoolAutoConfiguration.class)
  static class App {}

  /** Spring Boot's report of a failed start shows a property's value: it must not be this one. */
  @Test
  void theFailureReportOfABadSpoolRedisDoesNotShowItsPassword(CapturedOutput output) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of("SPOOL_REDIS", "redis://:hunter2@127.0.0.1:notaport")));
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(App.class)
                    .web(WebApplicationType.NONE)
                    .environment(environment)
                    .properties("spool.namespace=" + namespace)
                    .run()
                    .close())
        .isNotNull();
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("Spool cannot use its Redis URI")
        .contains("SPOOL_REDIS")
        .doesNotContain("hunter2");
  }
}
