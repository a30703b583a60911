package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testkit.SpoolRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Without spool.worker.name, two applications of one host, or two Spring contexts of one JVM (as
 * Spring's test-context cache keeps them), start their workers side by side.
 */
class SpoolWorkerNameIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SpoolAutoConfiguration.class))
          .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
          .withPropertyValues(
              "spool.redis.uri=" + redis.uri(),
              "spool.namespace=" + SpoolRedis.namespace(),
              "spool.worker.shutdown-timeout=0s");

  @Test
  void twoContextsOfOneJvmRunTwoWorkersNamedAfterTheHostAndPid() {
    String pid = Long.toString(ProcessHandle.current().pid());
    runner.run(
        first ->
            runner.run(
                second -> {
                  assertThat(first).hasNotFailed();
                  assertThat(second).hasNotFailed();
                  String firstName = first.getBean(SpoolWorkerLifecycle.class).worker().name();
                  String secondName = second.getBean(SpoolWorkerLifecycle.class).worker().name();
                  assertThat(firstName).endsWith("-" + pid);
                  assertThat(secondName).isEqualTo(firstName + "-2");
                }));
  }

  @Test
  void aNameIsFreeAgainOnceItsWorkerStopped() {
    String[] names = new String[2];
    runner.run(c -> names[0] = c.getBean(SpoolWorkerLifecycle.class).worker().name());
    runner.run(c -> names[1] = c.getBean(SpoolWorkerLifecycle.class).worker().name());
    assertThat(names[1]).isEqualTo(names[0]);
  }
}
