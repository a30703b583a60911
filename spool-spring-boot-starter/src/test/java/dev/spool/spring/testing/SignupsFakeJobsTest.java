package dev.spool.spring.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobClient;
import dev.spool.Spool;
import dev.spool.spring.SpoolWorkerLifecycle;
import dev.spool.spring.testing.Signups.Welcome;
import dev.spool.testkit.FakeJobs;
import dev.spool.testkit.SpoolTesting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * docs/testing.md's Spring Boot unit test: a JobClient bean of the test's own (a FakeJobs) replaces
 * the auto-configured Spool, so the context starts with no Redis at all. The Redis URI points at a
 * port nothing listens on: anything that tried to connect would fail the context.
 */
// snippet: spring-boot-test-fake
@SpringBootTest(properties = "spool.redis.uri=redis://127.0.0.1:1") // nothing listens there
class SignupsFakeJobsTest {
  @TestConfiguration
  static class Jobs {
    @Bean
    FakeJobs jobs() { // replaces the Spool bean: no Spool, no worker, no Redis
      return SpoolTesting.fake();
    }
  }

  @Autowired Signups signups; // takes a JobClient: gets the fake
  @Autowired FakeJobs jobs;

  @AfterEach
  void forgetTheJobs() { // the bean lives as long as Spring's cached context
    jobs.clear();
  }

  @Test
  void aSignupEnqueuesAWelcome() {
    signups.signUp("ada@example.com");

    jobs.assertEnqueued(Signups.WELCOME, new Welcome("ada@example.com"));
  }

  // end snippet

  @Autowired ApplicationContext context;

  @Test
  void theFakeIsTheOnlyJobClientAndNoSpoolOrWorkerIsMade() {
    assertThat(context.getBeansOfType(JobClient.class)).containsOnlyKeys("jobs");
    assertThat(context.getBeansOfType(Spool.class)).isEmpty();
    assertThat(context.getBeansOfType(SpoolWorkerLifecycle.class)).isEmpty();
    assertThat(context.containsBean("spoolHealthIndicator")).isFalse();
  }

  @Test
  void drainingRunsTheApplicationsHandlerBeans() {
    WelcomeHandler handler = context.getBean(WelcomeHandler.class);
    jobs.handle(Signups.WELCOME, handler::handle);

    signups.signUp("bob@example.com");
    jobs.drain();

    assertThat(handler.welcomed).contains("bob@example.com");
  }
}
