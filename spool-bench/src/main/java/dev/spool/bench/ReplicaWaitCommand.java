package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.Spool;
import dev.spool.bench.BenchJobs.Noop;
import dev.spool.testkit.RedisSentinelSet;
import dev.spool.testkit.SpoolRedis;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The cost of {@code waitForReplicas}: on a local Sentinel set (1 master, 1 replica, 3 sentinels,
 * started here), the latency of single enqueues and of 100-job bulk enqueues, one after another
 * from one thread, without and with {@code waitForReplicas(1, 1 s)}. No worker runs.
 */
@Command(
    name = "replica-wait",
    mixinStandardHelpOptions = true,
    description =
        "Enqueue latency on a local Sentinel set, without and with waitForReplicas(1, 1 s).")
public final class ReplicaWaitCommand implements Callable<Integer> {
  @Option(
      names = "--jobs",
      defaultValue = "2000",
      description = "Single enqueues per mode and run. Default: ${DEFAULT-VALUE}.")
  int jobs = 2000;

  @Option(
      names = "--bulk",
      defaultValue = "100",
      description = "100-job bulk enqueues per mode and run. Default: ${DEFAULT-VALUE}.")
  int bulk = 100;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Runs, after one warm-up. Default: ${DEFAULT-VALUE}.")
  int runs = 5;

  @Spec CommandSpec spec;

  private static final List<String> FIGURES =
      List.of("singleP50Ms", "singleWaitP50Ms", "bulkP50Ms", "bulkWaitP50Ms");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (jobs < 1 || bulk < 1 || runs < 1) {
      err.println("spool bench replica-wait: --jobs, --bulk and --runs must be at least 1");
      err.flush();
      return WorkloadCommand.EXIT_SETUP;
    }
    List<ObjectNode> lines = new ArrayList<>();
    try (RedisSentinelSet sentinels = RedisSentinelSet.create()) {
      sentinels.start();
      err.println("[replica-wait] sentinel set up: " + sentinels.uri());
      err.flush();
      for (int run = 0; run <= runs; run++) {
        ObjectNode line = runOnce(sentinels.uri());
        if (run == 0) {
          line.put("warmup", true);
        } else {
          line.put("run", run);
          lines.add(line);
        }
        out.println(line);
        out.flush();
      }
    }
    ObjectNode summary = BenchEnv.JSON.createObjectNode();
    summary.put("summary", "replica-wait");
    summary.put("runs", runs);
    for (String figure : FIGURES) {
      double[] values =
          lines.stream().mapToDouble(l -> l.get(figure).asDouble()).sorted().toArray();
      ObjectNode f = summary.putObject(figure);
      f.put("median", values[values.length / 2]);
      f.put("min", values[0]);
      f.put("max", values[values.length - 1]);
    }
    out.println(summary);
    out.flush();
    return 0;
  }

  private ObjectNode runOnce(String uri) {
    ObjectNode line = BenchEnv.JSON.createObjectNode();
    line.put("workload", "replica-wait");
    line.put("jobs", jobs);
    line.put("bulk", bulk);
    String namespace = SpoolRedis.namespace();
    try (Spool plain = Spool.builder().redis(uri).namespace(namespace).build();
        Spool waiting =
            Spool.builder()
                .redis(uri)
                .namespace(namespace)
                .waitForReplicas(1, Duration.ofSeconds(1))
                .build()) {
      line.put("singleP50Ms", singles(plain));
      line.put("singleWaitP50Ms", singles(waiting));
      line.put("bulkP50Ms", bulks(plain));
      line.put("bulkWaitP50Ms", bulks(waiting));
    }
    return line;
  }

  private double singles(Spool spool) {
    long[] nanos = new long[jobs];
    for (int i = 0; i < jobs; i++) {
      long t0 = System.nanoTime();
      spool.enqueue(BenchJobs.NOOP, new Noop(i));
      nanos[i] = System.nanoTime() - t0;
    }
    return medianMs(nanos);
  }

  private double bulks(Spool spool) {
    List<Noop> hundred = new ArrayList<>(100);
    for (int i = 0; i < 100; i++) {
      hundred.add(new Noop(i));
    }
    long[] nanos = new long[bulk];
    for (int i = 0; i < bulk; i++) {
      long t0 = System.nanoTime();
      spool.enqueueAll(BenchJobs.NOOP, hundred);
      nanos[i] = System.nanoTime() - t0;
    }
    return medianMs(nanos);
  }

  private static double medianMs(long[] nanos) {
    Arrays.sort(nanos);
    return RunResult.round(nanos[nanos.length / 2] / 1e6, 3);
  }
}
