package dev.spool.bench;

import dev.spool.Worker;
import picocli.CommandLine.Option;

/** Options every workload takes. */
public final class CommonOptions {
  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "Redis to use (127.0.0.1 only). Default: a dedicated redis-server started for this"
              + " command and stopped at its end.")
  String redis;

  @Option(
      names = "--runs",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Runs of each workload; a summary line follows them. Default: ${DEFAULT-VALUE}.")
  int runs = 3;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Runs first, to warm up the JIT; printed with \"warmup\": true and left out of the"
              + " summary. Default: ${DEFAULT-VALUE}.")
  int warmup = 1;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      description =
          "Spool namespace (key prefix). Default: a fresh one per run. A given namespace must be"
              + " empty; its keys are deleted after each run.")
  String namespace;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "600",
      description =
          "Bound of every wait; a run that times out reports verified=false. Default:"
              + " ${DEFAULT-VALUE}.")
  long timeoutSeconds = 600;

  /** Refuses a handler count a worker node would (outside 1 to 10 000), naming the option. */
  public static void requireConcurrency(String option, int value) {
    if (value < 1 || value > Worker.Builder.MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          option + " must be in [1, " + Worker.Builder.MAX_CONCURRENCY + "], got " + value);
    }
  }
}
