package dev.spool.spring;

import dev.spool.JobContext;
import dev.spool.JobType;

/**
 * A handler as a Spring bean: every bean of this type is registered with the application's worker
 * for its {@link #type()}, one handler per type.
 *
 * <pre>{@code
 * @Component
 * class SendEmailHandler implements SpoolHandler<SendEmail> {
 *   public JobType<SendEmail> type() { return Jobs.SEND_EMAIL; }
 *   public void handle(JobContext job, SendEmail email) { mailer.send(email); }
 * }
 * }</pre>
 */
public interface SpoolHandler<A> {
  JobType<A> type();

  void handle(JobContext job, A args) throws Exception;
}
