package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import dev.spool.bench.BenchJobs.Noop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Taking jobs off a long queue: with {@code --queued} jobs waiting, the newest {@code --ops} are
 * cancelled, then as many killed and as many deleted by force, one call at a time from one thread.
 * Each must cost the same whatever the queue's length (a job taken out of the middle of a list used
 * to cost a walk of the list). No worker runs; the queue's counts are checked after.
 */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description =
        "Cancel, kill and force-delete the newest jobs of a long queue, one call at a time.")
public final class CancelCommand extends WorkloadCommand {
  @Option(
      names = "--queued",
      defaultValue = "300000",
      description = "Jobs waiting in the queue. Default: ${DEFAULT-VALUE}.")
  int queued = 300_000;

  @Option(
      names = "--ops",
      defaultValue = "1000",
      description = "Jobs cancelled, then killed, then deleted. Default: ${DEFAULT-VALUE}.")
  int ops = 1000;

  @Override
  String id() {
    return "W-cancel";
  }

  @Override
  String name() {
    return "cancel";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("queued", queued);
    s.put("ops", ops);
    return s;
  }

  @Override
  List<String> mainFigures() {
    return List.of("cancelP50Ms", "killP50Ms", "forceDeleteP50Ms", "forceDeleteP99Ms");
  }

  @Override
  void scale(double factor) {
    queued = Math.max(3 * ops, (int) (queued * factor));
  }

  @Override
  void validate() {
    if (ops < 1) {
      throw new IllegalArgumentException("--ops must be positive, got " + ops);
    }
    if (queued < 3 * ops) {
      throw new IllegalArgumentException(
          "--queued must be at least 3 × --ops (" + 3 * ops + "), got " + queued);
    }
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) throws Exception {
    RunResult result = new RunResult();
    try (Spool spool = spool(env, namespace)) {
      List<JobId> ids = new ArrayList<>(queued);
      List<Noop> chunk = new ArrayList<>(1000);
      for (int i = 0; i < queued; i++) {
        chunk.add(new Noop(i));
        if (chunk.size() == 1000 || i == queued - 1) {
          ids.addAll(spool.enqueueAll(BenchJobs.NOOP, chunk));
          chunk.clear();
        }
      }
      env.progress("%s %d jobs queued".formatted(tag, queued));
      // The newest first: at the far end of the list from where its readers pop.
      int last = ids.size();
      List<JobId> toCancel = ids.subList(last - ops, last);
      List<JobId> toKill = ids.subList(last - 2 * ops, last - ops);
      List<JobId> toDelete = ids.subList(last - 3 * ops, last - 2 * ops);
      double[] cancel =
          timed(toCancel, id -> result.check(spool.cancel(id), "not cancelled: " + id));
      double[] kill = timed(toKill, id -> status(spool, id).requestKill());
      double[] delete = timed(toDelete, id -> status(spool, id).forceDelete());
      put(result, "cancel", cancel);
      put(result, "kill", kill);
      put(result, "forceDelete", delete);
      env.progress(
          "%s p50 ms: cancel %.3f, kill %.3f, forced delete %.3f"
              .formatted(
                  tag,
                  cancel[cancel.length / 2],
                  kill[kill.length / 2],
                  delete[delete.length / 2]));

      QueueCounts counts = spool.monitor().counts(BenchJobs.NOOP.queue());
      result.put("readyAfter", counts.ready());
      result.check(
          counts.ready() == queued - 3L * ops,
          "ready after: " + counts.ready() + ", expected " + (queued - 3L * ops));
      result.check(
          spool.statuses().find(toDelete.getFirst()).isEmpty(), "a deleted status is still there");
    }
    return result;
  }

  private static JobStatus status(Spool spool, JobId id) {
    return spool.statuses().find(id).orElseThrow();
  }

  /** Each call's time in ms, sorted. */
  private static double[] timed(List<JobId> ids, Consumer<JobId> call) {
    double[] ms = new double[ids.size()];
    for (int i = 0; i < ms.length; i++) {
      long t0 = System.nanoTime();
      call.accept(ids.get(i));
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static void put(RunResult result, String op, double[] sorted) {
    result.put(op + "P50Ms", sorted[sorted.length / 2], 3);
    result.put(op + "P99Ms", sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)], 3);
    result.put(op + "MaxMs", sorted[sorted.length - 1], 3);
  }
}
