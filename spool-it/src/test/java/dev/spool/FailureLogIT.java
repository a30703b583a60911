package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker says what became of each failed attempt: a retry at info, a dead job at warn, with the
 * error's type and message (slf4j-simple writes to System.err, which this test reads).
 */
class FailureLogIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Fixtures.Noop> FLAKY =
      JobType.of("flaky-logged", Fixtures.Noop.class)
          .withQueue("work")
          .withRetry(Retry.fixed(2, Duration.ofMillis(50)));

  Fixtures f;
  CapturedErr err;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    err = new CapturedErr();
  }

  @AfterEach
  void tearDown() {
    err.close();
    f.close();
  }

  /** The one line a level logged about a job. */
  private String onlyLine(String level, JobId id) {
    List<String> lines = err.lines(level, "job " + id + " ");
    assertThat(lines).as("%s lines about job %s", level, id).hasSize(1);
    return lines.getFirst();
  }

  @Test
  void aRetryIsLoggedAtInfoAndTheDeathAtWarnWithTheError() {
    JobId id = f.spool.enqueue(FLAKY, new Fixtures.Noop(1));
    f.worker("log-node")
        .handle(
            FLAKY,
            (job, a) -> {
              throw new IllegalStateException("boom " + job.attempt());
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> f.spool.deadJobs().size("work") == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> !err.lines("WARN", "job " + id).isEmpty());

    assertThat(onlyLine("INFO", id))
        .contains("node log-node: job " + id + " (flaky-logged, attempt 0) failed")
        .contains("retrying at ")
        .contains("java.lang.IllegalStateException: boom 0");
    assertThat(onlyLine("WARN", id))
        .contains("job " + id + " (flaky-logged, attempt 1) is dead")
        .contains("java.lang.IllegalStateException: boom 1");
  }

  @Test
  void aJobOfATypeNoHandlerKnowsDiesWithAWarning() {
    JobType<Fixtures.Noop> unknown =
        JobType.of("nobody-handles-this", Fixtures.Noop.class)
            .withQueue("work")
            .withRetry(Retry.fixed(1, Duration.ZERO));
    JobId id = f.spool.enqueue(unknown, new Fixtures.Noop(2));
    f.worker("log-node").handle(FLAKY, (job, a) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !err.lines("WARN", "job " + id).isEmpty());

    assertThat(onlyLine("WARN", id))
        .contains("is dead: UnknownJobType: no handler registered for type")
        .contains("'nobody-handles-this'");
  }
}
