package dev.spool.spring;

import dev.spool.Worker;

/** A bean told when the application's worker node has started (metrics use it for its gauges). */
@FunctionalInterface
public interface WorkerStartedListener {
  void started(Worker worker);
}
