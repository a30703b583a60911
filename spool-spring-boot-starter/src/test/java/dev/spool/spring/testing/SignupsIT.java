package dev.spool.spring.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Spool;
import dev.spool.spring.SpoolWorkerLifecycle;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * docs/testing.md's Spring Boot integration test: the whole application, its Spool and its worker
 * against an embedded Redis, each test class in a namespace of its own.
 */
// snippet: spring-boot-test-redis
@SpringBootTest
class SignupsIT {
  static final SpoolRedis redis = SpoolRedis.embedded(); // one redis-server for the whole JVM
  static final String namespace = SpoolRedis.namespace(); // this class's keys, no cleanup needed

  @DynamicPropertySource
  static void spool(DynamicPropertyRegistry properties) {
    properties.add("spool.redis.uri", redis::uri);
    properties.add("spool.namespace", () -> namespace);
  }

  @Autowired Signups signups;
  @Autowired WelcomeHandler handler;

  @Test
  void aSignupIsWelcomedByTheWorker() {
    signups.signUp("ada@example.com");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> handler.welcomed.contains("ada@example.com"));
  }

  // end snippet

  @Autowired Spool spool;
  @Autowired SpoolWorkerLifecycle worker;

  @Test
  void theSpoolAndItsWorkerUseTheEmbeddedRedisAndTheTestsNamespace() {
    assertThat(worker.isRunning()).isTrue();
    assertThat(spool.monitor().nodes())
        .anySatisfy(node -> assertThat(node.name()).isEqualTo(worker.worker().name()));
  }
}
