package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The training run bin/spool records its start-up cache from must run to its end by itself. */
class AotTrainingCommandIT {
  @Test
  void runsAWorkerThroughEveryTrainingJobAndExitsZero() {
    // It starts a redis-server of its own, as bin/spool runs it: nothing to connect to here.
    assertThat(SpoolCommand.commandLineFor("aot-training").execute("aot-training")).isZero();
  }
}
