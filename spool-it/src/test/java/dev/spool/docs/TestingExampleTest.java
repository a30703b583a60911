package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.SpoolException;
import dev.spool.testkit.InlineJobs;
import dev.spool.testkit.JobFailedException;
import dev.spool.testkit.JobRun;
import dev.spool.testkit.SpoolTesting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The inline-mode fragments of docs/testing.md. Its longer examples are the tests of {@code
 * SignupService} in spool-testkit.
 */
class TestingExampleTest {
  record SendEmail(String to, String template) {}

  record Resize(String image, List<Integer> widths) {}

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withQueue("mail");
  static final JobType<Resize> RESIZE = JobType.of("resize", Resize.class);

  @Test
  void argumentsThatJsonCannotWriteFailTheEnqueue() {
    // snippet: inline-unwritable
    record Unwritable(Object payload) {} // Jackson cannot write a plain Object
    JobType<Unwritable> type = JobType.of("unwritable", Unwritable.class);
    InlineJobs jobs = SpoolTesting.inline().handle(type, (job, args) -> {});

    assertThatThrownBy(() -> jobs.enqueue(type, new Unwritable(new Object())))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("arguments of job type 'unwritable' cannot be enqueued");
    // end snippet
  }

  @Test
  void aFailingHandlerIsRetriedWithoutWaitingThenTheEnqueueThrows() {
    // snippet: inline-retries
    JobType<SendEmail> flaky = SEND_EMAIL.withRetry(Retry.exponential(3, Duration.ofHours(1), 2));
    InlineJobs jobs =
        SpoolTesting.inline()
            .handle(
                flaky,
                (job, email) -> {
                  throw new IllegalStateException("smtp down");
                });

    assertThatThrownBy(() -> jobs.enqueue(flaky, new SendEmail("a@b.c", "hi")))
        .isInstanceOf(JobFailedException.class)
        .hasMessage(
            "job send-email mail:1 failed after 3 attempts:"
                + " java.lang.IllegalStateException: smtp down");
    // end snippet
  }

  @Test
  void everyRunIsRecorded() {
    InlineJobs jobs =
        SpoolTesting.inline()
            .handle(
                RESIZE,
                (job, resize) -> {
                  job.put("stored", resize.widths().size());
                  job.progress(0.5);
                });
    jobs.enqueue(RESIZE, new Resize("cat.png", List.of(10, 200)));

    // snippet: inline-runs
    JobRun run = jobs.runs().getFirst();
    assertThat(run.args(RESIZE)).isEqualTo(new Resize("cat.png", List.of(10, 200)));
    assertThat(run.values()).containsExactly(Map.entry("stored", 2));
    assertThat(run.progress()).hasValue(0.5);
    // end snippet
  }
}
