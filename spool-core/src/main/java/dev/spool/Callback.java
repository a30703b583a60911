package dev.spool;

/**
 * Runs on the worker node after a job's handler succeeded, in registration order; it sees what the
 * handler and earlier callbacks {@link JobContext#put put}. Throwing fails the attempt: the
 * errbacks run with that error and the job is retried as its policy says.
 */
@FunctionalInterface
public interface Callback<A> {
  void accept(JobContext job, A args) throws Exception;
}
