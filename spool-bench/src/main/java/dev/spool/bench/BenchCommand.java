package dev.spool.bench;

import dev.spool.bench.compare.CompareCommand;
import dev.spool.bench.compare.EnqueuerCommand;
import dev.spool.bench.scripts.ScriptsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the workloads of BENCHMARKS.md, each printing one JSON object per run and a
 * summary line to stdout, progress to stderr.
 *
 * <p>Exit codes: 0 when every run was verified, 1 when a run could not be verified (jobs missing, a
 * wait timed out, an error), 2 when the harness could not start (bad options, no Redis).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Runs the Spool benchmarks (see docs/benchmarks.md): one JSON line per run.",
    subcommands = {
      ThroughputCommand.class,
      EnqueueCommand.class,
      LatencyCommand.class,
      DelayedCommand.class,
      MemoryCommand.class,
      StatusQueryCommand.class,
      DashboardBenchCommand.class,
      BatchCommand.class,
      CancelCommand.class,
      ReplicaWaitCommand.class,
      ClusterScaleCommand.class,
      AllCommand.class,
      CompareCommand.class,
      EnqueuerCommand.class,
      ScriptsCommand.class
    })
public class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  public BenchCommand() {}

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "choose a workload: throughput, enqueue, latency, delayed, memory, statuses, batch,"
            + " replica-wait, all, compare or scripts");
  }
}
