package dev.spool.cli;

import dev.spool.Worker;

/**
 * Registers job handlers on the worker node that {@code spool worker} runs.
 *
 * <p>{@code spool worker} finds implementations on its class path through {@link
 * java.util.ServiceLoader}: put a jar on the class path (for example {@code
 * SPOOL_CLASSPATH=handlers.jar bin/spool worker ...}) whose {@code
 * META-INF/services/dev.spool.cli.JobHandlers} lists the implementing classes, one fully qualified
 * name per line. Each needs a public no-argument constructor.
 *
 * <pre>{@code
 * public final class EmailHandlers implements JobHandlers {
 *   static final JobType<SendEmail> SEND_EMAIL = JobType.of("send-email", SendEmail.class);
 *
 *   @Override
 *   public void register(Worker.Builder worker) {
 *     worker.handle(SEND_EMAIL, (job, email) -> send(email));
 *   }
 * }
 * }</pre>
 *
 * <p>Every implementation found registers its handlers on the same node; a job type may be handled
 * by one of them only. Unless {@code --queues} says otherwise, the node fetches from the queues of
 * the registered job types.
 */
public interface JobHandlers {
  /**
   * Registers handlers (and may set other options) on the node before it starts. Called once, on
   * the command's thread.
   */
  void register(Worker.Builder worker);
}
