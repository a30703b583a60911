package dev.spool;

/**
 * Runs on the worker node after a job's attempt failed (its handler or a callback threw, or it
 * timed out), in registration order, before the retry or death is recorded. What an errback throws
 * is logged and otherwise ignored.
 */
@FunctionalInterface
public interface Errback<A> {
  void accept(JobContext job, A args, Throwable error) throws Exception;
}
