package dev.spool.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs W1 to W5 one after the other at their default sizes (times {@code --scale}). */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    description =
        "Runs throughput, latency, delayed, memory and statuses at their defaults, in that order.")
public final class AllCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();
  @Spec CommandSpec spec;

  @Option(
      names = "--scale",
      defaultValue = "1.0",
      description =
          "Multiplies the default sizes (job counts, durations), e.g. 0.1 for a quick check."
              + " Default: ${DEFAULT-VALUE}.")
  double scale = 1.0;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (!(scale > 0)) {
      err.println("spool bench all: --scale must be positive, got " + scale);
      err.flush();
      return WorkloadCommand.EXIT_SETUP;
    }
    List<WorkloadCommand> workloads =
        List.of(
            new ThroughputCommand(),
            new LatencyCommand(),
            new DelayedCommand(),
            new MemoryCommand(),
            new StatusQueryCommand());
    for (WorkloadCommand w : workloads) {
      if (scale != 1.0) {
        w.scale(scale);
      }
      w.validate();
    }
    BenchEnv env;
    try {
      env = BenchEnv.open(common, spec.commandLine().getOut(), err);
    } catch (RuntimeException e) {
      err.println("spool bench all: cannot start: " + WorkloadCommand.reason(e));
      err.flush();
      return WorkloadCommand.EXIT_SETUP;
    }
    int exit = 0;
    try (env) {
      for (WorkloadCommand w : workloads) {
        exit = Math.max(exit, w.execute(env));
      }
    }
    return exit;
  }
}
