package dev.spool.bench.compare;

/** One workload of the comparison, run the same way on every system. */
interface Workload {
  /** "W1-incr", "W2-500", … as in the JSON lines and the table. */
  String id();

  /**
   * One run in a flushed Redis. Never throws for a failure of the system under test: what went
   * wrong is a problem of the returned record. Every process it starts is stopped before it
   * returns.
   */
  RunRecord run(ComparedSystem system, int run, Comparison c);

  /** How long a worker process may take to start (a cold JVM on a busy machine). */
  java.time.Duration READY_TIMEOUT = java.time.Duration.ofSeconds(120);

  /**
   * Starts a worker process and waits until it says it is fetching; null (with a problem recorded,
   * the process stopped) if it does not.
   */
  static ChildProcess startReadyWorker(ComparedSystem s, Comparison c, String label, RunRecord r) {
    ChildProcess worker = s.startWorker(c, label);
    if (worker.awaitLine(s::isReady, READY_TIMEOUT).isEmpty()) {
      r.problem(
          "the worker did not start within "
              + READY_TIMEOUT.toSeconds()
              + " s: "
              + worker.stderrTail(5));
      worker.stop(java.time.Duration.ofSeconds(5));
      return null;
    }
    return worker;
  }

  /** The label of a process of a run, for its log files. */
  static String label(Workload w, ComparedSystem s, int run, String role) {
    return w.id() + "-" + s.id() + "-run" + run + "-" + role;
  }
}
