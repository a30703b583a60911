package dev.spool.bench;

import picocli.CommandLine;

/**
 * Runs the benchmark harness on its own: {@code java -cp … dev.spool.bench.BenchMain throughput}.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }
}
