package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Noop;
import dev.spool.testkit.RedisClusterSet;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Issue #13's scale figure: on a local Redis Cluster (3 masters + 3 replicas, started here), W1
 * (bulk-enqueue N no-op jobs, then time one worker node until all succeeded) on a plain queue,
 * which lives on one master, and on a queue sharded over the three masters; with each master's
 * Redis CPU (INFO cpu, user + sys) over the processing, per job.
 */
@Command(
    name = "cluster-scale",
    mixinStandardHelpOptions = true,
    description =
        "W1 on a local Redis Cluster: a plain queue (one master) vs a queue sharded over three.")
public final class ClusterScaleCommand implements Callable<Integer> {
  @Option(
      names = "--jobs",
      defaultValue = "50000",
      description = "Jobs per mode and run. Default: ${DEFAULT-VALUE}.")
  int jobs = 50_000;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Runs, after one warm-up. Default: ${DEFAULT-VALUE}.")
  int runs = 3;

  @Option(
      names = "--concurrency",
      defaultValue = "200",
      description = "Concurrency of the worker node. Default: ${DEFAULT-VALUE}.")
  int concurrency = 200;

  @Spec CommandSpec spec;

  private static final List<String> FIGURES =
      List.of(
          "plainJobsPerSec",
          "shardedJobsPerSec",
          "plainRedisCpuUsPerJob",
          "shardedRedisCpuUsPerJob",
          "plainBusiestMasterCpuShare",
          "shardedBusiestMasterCpuShare");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (jobs < 1 || runs < 1 || concurrency < 1) {
      err.println("spool bench cluster-scale: --jobs, --runs and --concurrency must be at least 1");
      err.flush();
      return WorkloadCommand.EXIT_SETUP;
    }
    List<ObjectNode> lines = new ArrayList<>();
    try (RedisClusterSet cluster = RedisClusterSet.create()) {
      cluster.start();
      String queue = queueOverAllMasters(cluster);
      err.println("[cluster-scale] cluster up: " + cluster.uri() + "; queue '" + queue + "'");
      err.flush();
      for (int run = 0; run <= runs; run++) {
        ObjectNode line = BenchEnv.JSON.createObjectNode();
        line.put("workload", "cluster-scale");
        line.put("jobs", jobs);
        line.put("concurrency", concurrency);
        measure(cluster, queue, false, line);
        measure(cluster, queue, true, line);
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
    summary.put("summary", "cluster-scale");
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

  /** A queue name whose three shards lie on three different masters. */
  private static String queueOverAllMasters(RedisClusterSet cluster) {
    for (int i = 0; ; i++) {
      String name = "scale" + i;
      long masters =
          java.util.stream.IntStream.range(0, 3)
              .map(s -> cluster.masterPortOf("{" + name + ".shard" + s + "}"))
              .distinct()
              .count();
      if (masters == 3) {
        return name;
      }
    }
  }

  private void measure(RedisClusterSet cluster, String queue, boolean sharded, ObjectNode line) {
    String mode = sharded ? "sharded" : "plain";
    JobType<Noop> type = JobType.of("noop", Noop.class).withQueue(queue);
    List<Noop> args = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      args.add(new Noop(i));
    }
    Spool.Builder builder = Spool.builder().redis(cluster.uri()).namespace(SpoolRedis.namespace());
    if (sharded) {
      builder.shardedQueue(queue, 3);
    }
    AtomicInteger ran = new AtomicInteger();
    try (Spool spool = builder.build()) {
      spool.enqueueAll(type, args);
      Map<Integer, Double> cpu0 = cpuSeconds(cluster.masterPorts());
      long t0 = System.nanoTime();
      try (Worker worker =
          spool
              .worker("bench-1")
              .concurrency(concurrency)
              .shutdownTimeout(Duration.ofSeconds(5))
              .handle(type, (job, a) -> ran.incrementAndGet())
              .start()) {
        boolean done =
            Waits.until(
                () -> spool.monitor().counts(queue).completed() >= jobs, Duration.ofMinutes(5), 20);
        if (!done) {
          throw new IllegalStateException(mode + ": not all jobs completed within 5 minutes");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<Integer, Double> cpu1 = cpuSeconds(cluster.masterPorts());
        double total = 0;
        double busiest = 0;
        ObjectNode perMaster = line.putObject(mode + "CpuMsPerMaster");
        for (Map.Entry<Integer, Double> e : cpu1.entrySet()) {
          double used = e.getValue() - cpu0.getOrDefault(e.getKey(), 0.0);
          perMaster.put(String.valueOf(e.getKey()), RunResult.round(used * 1000, 1));
          total += used;
          busiest = Math.max(busiest, used);
        }
        line.put(mode + "JobsPerSec", Math.round(jobs / seconds));
        line.put(mode + "RedisCpuUsPerJob", RunResult.round(total * 1e6 / jobs, 2));
        line.put(mode + "BusiestMasterCpuShare", RunResult.round(busiest / total, 3));
        line.put(mode + "BusiestMasterCpuPerSec", RunResult.round(busiest / seconds, 3));
      }
    }
  }

  /** used_cpu_user + used_cpu_sys of each master, in seconds. */
  private static Map<Integer, Double> cpuSeconds(List<Integer> ports) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int port : ports) {
      RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        double seconds = 0;
        for (String l : c.sync().info("cpu").split("\r\n")) {
          if (l.startsWith("used_cpu_user:") || l.startsWith("used_cpu_sys:")) {
            seconds += Double.parseDouble(l.substring(l.indexOf(':') + 1));
          }
        }
        out.put(port, seconds);
      } finally {
        client.shutdown();
      }
    }
    return out;
  }
}
