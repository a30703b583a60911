package dev.spool.cli;

import dev.spool.Worker;
import dev.spool.bench.compare.CompareHandlers;

/**
 * The handlers of {@code spool bench compare}, for the {@code spool worker} it starts. Not listed
 * in this jar's META-INF/services (a plain {@code spool worker} never loads it): the comparison
 * puts a services file naming it on {@code SPOOL_CLASSPATH}, the way users add their own handlers.
 */
public final class BenchCompareHandlers implements JobHandlers {
  public BenchCompareHandlers() {}

  @Override
  public void register(Worker.Builder worker) {
    CompareHandlers.register(worker);
  }
}
