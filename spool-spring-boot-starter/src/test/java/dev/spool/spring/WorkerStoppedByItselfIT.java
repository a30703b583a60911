package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A node that finds another instance took its name (it was presumed dead: no heartbeat reached
 * Redis for a lease) stops by itself. The application used to go on as if it ran jobs: isRunning()
 * stayed true, and a worker process (web-application-type=none) stayed up for nothing, held by the
 * keep-alive thread. It now exits with status 1, as spool worker does.
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkerStoppedByItselfIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final String namespace = SpoolRedis.namespace();

  private ApplicationContextRunner runner(String node) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SpoolAutoConfiguration.class))
        .withUserConfiguration(SpoolAutoConfigurationIT.Handlers.class)
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + namespace,
            "spool.worker.name=" + node,
            "spool.worker.lease=400ms",
            "spool.worker.shutdown-timeout=0s");
  }

  /** As a second instance of the node does once this one was presumed dead. */
  private void anotherInstanceTakes(String node) {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync()
          .set(namespace + ":{nodes}:name:" + node, "another-instance", SetArgs.Builder.px(60_000));
    } finally {
      client.shutdown();
    }
  }

  private static boolean keepAliveThreadOf(String node) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals("spool-keep-alive-" + node));
  }

  @Test
  void theApplicationExitsWithStatus1SayingWhy(CapturedOutput output) {
    runner("taken-node")
        .run(
            context -> {
              SpoolWorkerLifecycle lifecycle = context.getBean(SpoolWorkerLifecycle.class);
              CompletableFuture<Integer> exited = new CompletableFuture<>();
              lifecycle.exit = exited::complete;
              assertThat(lifecycle.isRunning()).isTrue();
              assertThat(keepAliveThreadOf("taken-node")).isTrue();

              anotherInstanceTakes("taken-node");

              assertThat(exited.get(20, TimeUnit.SECONDS))
                  .isEqualTo(SpoolWorkerLifecycle.EXIT_WORKER_STOPPED);
              assertThat(lifecycle.isRunning()).isFalse();
              assertThat(context.isActive()).as("closed before the exit").isFalse();
              await().atMost(Duration.ofSeconds(5)).until(() -> !keepAliveThreadOf("taken-node"));
            });
    assertThat(output)
        .contains("ERROR")
        .contains("Spool worker 'taken-node' stopped by itself")
        .contains("another instance took its name")
        .contains("the application exits with status 1");
  }

  @Test
  void withoutExitOnNameLostTheApplicationGoesOnWithoutItsWorker(CapturedOutput output) {
    runner("taken-node-2")
        .withConfiguration(AutoConfigurations.of(SpoolHealthAutoConfiguration.class))
        .withPropertyValues("spool.worker.exit-on-name-lost=false")
        .run(
            context -> {
              SpoolWorkerLifecycle lifecycle = context.getBean(SpoolWorkerLifecycle.class);
              CompletableFuture<Integer> exited = new CompletableFuture<>();
              lifecycle.exit = exited::complete;

              anotherInstanceTakes("taken-node-2");

              await().atMost(Duration.ofSeconds(20)).until(() -> !lifecycle.isRunning());
              await().atMost(Duration.ofSeconds(5)).until(() -> !keepAliveThreadOf("taken-node-2"));
              assertThat(context.isActive()).isTrue();
              assertThat(exited).isNotDone();
              Health health = context.getBean(SpoolHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails())
                  .containsEntry("node", "taken-node-2")
                  .containsEntry("nodeRegistered", false);
            });
    assertThat(output)
        .contains("Spool worker 'taken-node-2' stopped by itself")
        .contains("the application goes on without it");
  }
}
