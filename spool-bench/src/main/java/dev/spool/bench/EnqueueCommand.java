package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobOptions;
import dev.spool.JobSpec;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import dev.spool.bench.BenchJobs.Noop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bulk enqueue alone: N no-op jobs through {@code enqueueAll}, one call per chunk (1 000 jobs by
 * default, as users call it), each call waiting for its ids before the next; no worker runs. Also
 * the Redis time the enqueue script took per call, from {@code INFO commandstats}.
 */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    description =
        "W1e: enqueue N no-op jobs through enqueueAll, one call per chunk; no worker runs.")
public final class EnqueueCommand extends WorkloadCommand {
  @Option(
      names = "--jobs",
      defaultValue = "200000",
      description = "Jobs to enqueue. Default: ${DEFAULT-VALUE}.")
  int jobs = 200_000;

  @Option(
      names = "--chunk",
      defaultValue = "1000",
      description = "Jobs per enqueueAll call. Default: ${DEFAULT-VALUE}.")
  int chunk = 1000;

  @Option(
      names = "--per-job-options",
      description =
          "Use the bulk form with options per job (a priority on every other job, a delay on"
              + " every tenth), as a scheduler would.")
  boolean perJobOptions;

  @Override
  String id() {
    return "W1e";
  }

  @Override
  String name() {
    return "enqueue";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("jobs", jobs);
    s.put("chunk", chunk);
    s.put("perJobOptions", perJobOptions);
    return s;
  }

  @Override
  List<String> mainFigures() {
    return List.of(
        "enqueueJobsPerSec",
        "redisUsPerJob",
        "redisUsPerScriptCall",
        "redisCpuUsPerJob",
        "clientCpuUsPerJob");
  }

  @Override
  void scale(double factor) {
    jobs = Math.max(chunk, (int) (jobs * factor));
  }

  @Override
  void validate() {
    if (jobs < 1 || chunk < 1) {
      throw new IllegalArgumentException("--jobs and --chunk must be positive");
    }
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) {
    RunResult result = new RunResult();
    List<List<Noop>> plain = new ArrayList<>();
    List<List<JobSpec<Noop>>> withOptions = new ArrayList<>();
    JobOptions high = JobOptions.builder().priority(5).build();
    JobOptions later = JobOptions.builder().delay(Duration.ofHours(1)).build();
    for (int from = 0; from < jobs; from += chunk) {
      List<Noop> args = new ArrayList<>(chunk);
      List<JobSpec<Noop>> specs = new ArrayList<>(chunk);
      for (int i = from; i < Math.min(jobs, from + chunk); i++) {
        if (perJobOptions) {
          JobOptions options = i % 10 == 0 ? later : i % 2 == 0 ? high : JobOptions.NONE;
          specs.add(JobSpec.of(BenchJobs.NOOP, new Noop(i), options));
        } else {
          args.add(new Noop(i));
        }
      }
      plain.add(args);
      withOptions.add(specs);
    }
    try (Spool spool = spool(env, namespace)) {
      String queue = BenchJobs.NOOP.queue();
      ScriptStats before = ScriptStats.read(env.probe);
      double redisCpu0 = redisCpuSeconds(env.probe);
      long cpu0 = processCpuNanos();
      long e0 = System.nanoTime();
      int enqueued = 0;
      for (int c = 0; c < plain.size(); c++) {
        enqueued +=
            perJobOptions
                ? spool.enqueueAll(withOptions.get(c)).size()
                : spool.enqueueAll(BenchJobs.NOOP, plain.get(c)).size();
      }
      double seconds = (System.nanoTime() - e0) / 1e9;
      long cpuNanos = processCpuNanos() - cpu0;
      double redisCpu = redisCpuSeconds(env.probe) - redisCpu0;
      ScriptStats after = ScriptStats.read(env.probe);
      QueueCounts counts = spool.monitor().counts(queue);
      long calls = after.calls - before.calls;
      long usec = after.usec - before.usec;
      env.progress(
          ("%s enqueued %d jobs in calls of %d in %.2f s: %.0f jobs/s; %d script calls, %.1f µs of"
                  + " Redis per job (%.1f µs of its CPU), %.1f µs of this JVM's CPU per job")
              .formatted(
                  tag,
                  enqueued,
                  chunk,
                  seconds,
                  jobs / seconds,
                  calls,
                  (double) usec / jobs,
                  redisCpu * 1e6 / jobs,
                  cpuNanos / 1e3 / jobs));
      result.put("enqueued", enqueued);
      result.put("enqueueSeconds", seconds, 3);
      result.put("enqueueJobsPerSec", jobs / seconds, 0);
      result.put("scriptCalls", calls);
      result.put("redisUsPerJob", (double) usec / jobs, 2);
      result.put("redisUsPerScriptCall", calls == 0 ? Double.NaN : (double) usec / calls, 0);
      // CPU rather than wall time: on a shared machine, what the work costs, not what it waited.
      result.put("redisCpuUsPerJob", redisCpu * 1e6 / jobs, 2);
      result.put("clientCpuUsPerJob", cpuNanos / 1e3 / jobs, 2);
      result.check(enqueued == jobs, "enqueueAll returned " + enqueued + " ids for " + jobs);
      long expected = perJobOptions ? jobs - (jobs + 9) / 10 : jobs;
      result.check(
          counts.ready() == expected,
          "ready after enqueue is " + counts.ready() + ", not " + expected);
    }
    return result;
  }

  /** Redis's CPU time so far (all its threads; the whole server, so a dedicated one says most). */
  private static double redisCpuSeconds(RedisProbe probe) {
    Map<String, String> cpu = probe.info("cpu");
    return Double.parseDouble(cpu.getOrDefault("used_cpu_user", "0"))
        + Double.parseDouble(cpu.getOrDefault("used_cpu_sys", "0"));
  }

  /** This JVM's CPU time so far, every thread (the enqueuing one and Lettuce's I/O threads). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The enqueue scripts' calls and Redis time so far (EVALSHA and EVAL together). */
  private record ScriptStats(long calls, long usec) {
    static ScriptStats read(RedisProbe probe) {
      long calls = 0;
      long usec = 0;
      for (Map.Entry<String, String> e : probe.info("commandstats").entrySet()) {
        if (e.getKey().equals("cmdstat_evalsha") || e.getKey().equals("cmdstat_eval")) {
          for (String part : e.getValue().split(",")) {
            String[] kv = part.split("=");
            if (kv[0].equals("calls")) {
              calls += Long.parseLong(kv[1]);
            } else if (kv[0].equals("usec")) {
              usec += Long.parseLong(kv[1]);
            }
          }
        }
      }
      return new ScriptStats(calls, usec);
    }
  }
}
