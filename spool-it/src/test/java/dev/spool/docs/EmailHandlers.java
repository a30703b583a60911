package dev.spool.docs;

import dev.spool.JobType;
import dev.spool.Worker;
import dev.spool.cli.JobHandlers;

// The example of docs/cli.md: handlers that `spool worker` loads from the class path.
// snippet: job-handlers
public final class EmailHandlers implements JobHandlers {
  record SendEmail(String to, String subject) {}

  static final JobType<SendEmail> SEND_EMAIL = JobType.of("send-email", SendEmail.class);

  private final Mailer mailer = new Mailer();

  @Override
  public void register(Worker.Builder worker) {
    worker.handle(SEND_EMAIL, (job, email) -> job.put("messageId", mailer.send(email)));
  }
}
// end snippet
