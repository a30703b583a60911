package dev.spool.spring.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Spool;
import dev.spool.spring.testing.Signups.Welcome;
import dev.spool.testkit.FakeJobs;
import dev.spool.testkit.SpoolTesting;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The set-up a new user tried first: a {@code @Primary} FakeJobs and the worker switched off. The
 * context failed to start, the auto-configured Spool connecting to Redis anyway; now the fake
 * replaces it as any JobClient bean does.
 */
@SpringBootTest(properties = {"spool.redis.uri=redis://127.0.0.1:1", "spool.worker.enabled=false"})
class PrimaryFakeJobsTest {
  @TestConfiguration
  static class Jobs {
    @Bean
    @Primary
    FakeJobs fakeJobs() {
      return SpoolTesting.fake();
    }
  }

  @Autowired Signups signups;
  @Autowired FakeJobs jobs;
  @Autowired ApplicationContext context;

  @Test
  void theContextStartsWithoutRedisAndTheApplicationEnqueuesIntoTheFake() {
    signups.signUp("ada@example.com");

    jobs.assertEnqueued(Signups.WELCOME, new Welcome("ada@example.com"));
    assertThat(context.getBeansOfType(Spool.class)).isEmpty();
  }
}
