package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One experiment's world: a redis-server of its own, a fresh namespace, a {@link Spool} client for
 * the test's side (enqueue, look), the worker processes, the run logs and the checks. Closing it
 * ends every process it started, even when the experiment failed.
 */
final class Experiment implements AutoCloseable {
  private final int order;
  private final String title;
  private final long startedAtMillis = System.currentTimeMillis();
  final Path dir;
  final ChaosRedis redis;
  final String namespace = SpoolRedis.namespace();
  final Spool spool;
  final Workers workers;
  final Checks checks = new Checks();

  private Experiment(int order, String slug, String title) {
    this.order = order;
    this.title = title;
    this.dir = ChaosSetup.out().resolve(slug + "-" + namespace);
    this.redis = ChaosRedis.start();
    Spool client = null;
    try {
      client = Spool.builder().redis(redis.uri()).namespace(namespace).build();
    } finally {
      if (client == null) {
        redis.close();
      }
    }
    this.spool = client;
    this.workers = new Workers(dir, redis.uri(), namespace);
  }

  /**
   * Starts an experiment.
   *
   * @param order its row in the report
   * @param slug a short name for its directory under target/chaos
   * @param title its name in the report
   */
  static Experiment start(int order, String slug, String title) {
    return new Experiment(order, slug, title);
  }

  /** The runs recorded so far. */
  Runs runs() {
    return Runs.read(workers.runs());
  }

  /** Jobs of the chaos queue not done yet: ready, delayed (retries) or held by a node. */
  long workLeft() {
    QueueCounts c = spool.monitor().counts(ChaosJobs.QUEUE);
    return c.ready() + c.delayed() + c.processing();
  }

  /** The time since the experiment started, for the notes. */
  String elapsed() {
    return seconds(System.currentTimeMillis() - startedAtMillis);
  }

  /** The lease of the CLI's workers when --lease is not given, for the report. */
  static String defaultLease() {
    return seconds(Worker.Builder.DEFAULT_LEASE.toMillis()) + " (default)";
  }

  static String seconds(long millis) {
    return String.format("%.1f s", millis / 1000.0);
  }

  /**
   * Jobs among {@code ids} that did not end well: no run of theirs returned normally (by the run
   * logs), or Spool does not say they succeeded.
   */
  List<JobId> lost(Collection<JobId> ids, Runs runs) {
    List<JobId> lost = new ArrayList<>();
    for (JobId id : ids) {
      Optional<JobStatus> status = spool.statuses().find(id);
      if (!runs.ended(id) || status.isEmpty() || status.get().state() != State.SUCCEEDED) {
        lost.add(id);
      }
    }
    return lost;
  }

  /** Writes the experiment's row into the report, and prints the report. */
  void report(long jobs, long lost, long runTwice, String recovery, String lease, String notes) {
    String table =
        ChaosReport.write(
            new ChaosReport.Row(
                order,
                title,
                jobs,
                lost,
                runTwice,
                recovery,
                lease,
                checks.verdict(),
                notes + "; took " + elapsed()),
            redis.version());
    System.out.println(table);
  }

  /** What Spool and the workers say, for a failure message: the jobs given, counts, nodes, logs. */
  String diagnostics(Collection<JobId> jobs, Runs runs) {
    StringBuilder out = new StringBuilder("Diagnostics (experiment dir " + dir + "):\n");
    int shown = 0;
    for (JobId id : jobs) {
      if (shown++ == 20) {
        out.append("  ... and ").append(jobs.size() - 20).append(" more\n");
        break;
      }
      out.append("  ").append(describe(id)).append('\n');
      runs.of(id).forEach(r -> out.append("      run ").append(r).append('\n'));
    }
    try {
      out.append("  queue: ")
          .append(spool.monitor().counts(ChaosJobs.QUEUE))
          .append("  ")
          .append(spool.monitor().statusString(ChaosJobs.QUEUE))
          .append('\n');
      for (NodeInfo node : spool.monitor().nodes()) {
        out.append("  node: ").append(node).append('\n');
      }
    } catch (RuntimeException e) {
      out.append("  (cannot read the queue: ").append(e).append(")\n");
    }
    out.append("  worker processes:\n");
    workers.all().forEach(w -> out.append("    ").append(w).append('\n'));
    String problems = workers.problems(15);
    if (!problems.isEmpty()) {
      out.append("  worker log lines that report problems:\n").append(problems);
    }
    return out.toString();
  }

  /** One job as {@code spool status} shows it: state, attempt, its stored fields. */
  String describe(JobId id) {
    try {
      return spool
          .statuses()
          .find(id)
          .map(
              s -> {
                String raw = s.raw().toString();
                return id
                    + " "
                    + s.state()
                    + " attempt "
                    + s.attempt()
                    + " "
                    + (raw.length() > 400 ? raw.substring(0, 400) + "...}" : raw);
              })
          .orElse(id + " has no status");
    } catch (RuntimeException e) {
      return id + ": cannot read its status: " + e;
    }
  }

  /**
   * Waits until {@code condition} holds, at most {@code bound}; if it does not, records that as a
   * failed check (so the experiment still measures and reports what happened) and returns false.
   */
  boolean await(String what, Duration bound, Callable<Boolean> condition) {
    try {
      Awaitility.await(what)
          .atMost(bound)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      checks.check(false, what + " within " + bound.toSeconds() + " s", e::getMessage);
      return false;
    }
  }

  @Override
  public void close() {
    try {
      workers.close();
    } finally {
      try {
        spool.close();
      } finally {
        redis.close();
      }
    }
  }
}
