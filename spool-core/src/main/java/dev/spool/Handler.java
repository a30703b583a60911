package dev.spool;

/**
 * Runs one job. Returning normally means success; throwing means the attempt failed and the job is
 * retried as its {@link Retry} policy says, then moved to the dead set.
 *
 * @param <A> the job type's arguments
 */
@FunctionalInterface
public interface Handler<A> {
  void handle(JobContext job, A args) throws Exception;
}
