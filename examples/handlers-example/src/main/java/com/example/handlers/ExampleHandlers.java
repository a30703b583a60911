package com.example.handlers;

import dev.spool.JobType;
import dev.spool.Worker;
import dev.spool.cli.JobHandlers;
import java.time.Duration;
import java.util.UUID;

/**
 * The job handlers of this example, for {@code spool worker}: it finds this class through
 * META-INF/services/dev.spool.cli.JobHandlers.
 */
public final class ExampleHandlers implements JobHandlers {
  /** {"to": "a@b.c", "subject": "hi"} */
  public record SendEmail(String to, String subject) {}

  /** {"steps": 10}: a slow job that reports its progress and can be killed. */
  public record Report(int steps) {}

  /** {"reason": "..."}: always fails, to show retries and the dead set. */
  public record Broken(String reason) {}

  // The names are what `spool enqueue NAME` uses. The queue, retry policy and timeout of a job
  // are those it was enqueued with (`spool enqueue --queue/--attempts/--timeout`), so these types
  // keep the defaults: queue "default".
  static final JobType<SendEmail> SEND_EMAIL = JobType.of("send-email", SendEmail.class);
  static final JobType<Report> REPORT = JobType.of("report", Report.class);
  static final JobType<Broken> BROKEN = JobType.of("broken", Broken.class);

  /** ServiceLoader needs a public no-argument constructor. */
  public ExampleHandlers() {}

  @Override
  public void register(Worker.Builder worker) {
    worker
        .handle(
            SEND_EMAIL,
            (job, email) -> {
              System.out.printf("[%s] sending '%s' to %s%n", job.id(), email.subject(), email.to());
              job.put("messageId", UUID.randomUUID().toString());
            })
        .handle(
            REPORT,
            (job, report) -> {
              for (int step = 1; step <= report.steps(); step++) {
                if (job.isKillRequested()) {
                  return; // the job ends as killed
                }
                Thread.sleep(Duration.ofMillis(500)); // interrupted on a kill request, too
                job.progress(step, report.steps());
              }
              job.put("pages", report.steps() * 3);
            })
        .handle(
            BROKEN,
            (job, broken) -> {
              throw new IllegalStateException("broken on purpose: " + broken.reason());
            });
  }
}
