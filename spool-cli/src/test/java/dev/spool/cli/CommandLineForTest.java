package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandLineForTest {
  @Test
  void aNamedCommandIsTheOnlyOneModelled() {
    assertThat(SpoolCommand.commandLineFor("worker", "--concurrency", "4").getSubcommands())
        .containsOnlyKeys("worker");
    assertThat(SpoolCommand.commandLineFor("queue", "pause", "mail").getSubcommands())
        .containsOnlyKeys("queue");
    assertThat(SpoolCommand.commandLineFor("queue").getSubcommands().get("queue").getSubcommands())
        .containsKeys("pause", "resume", "limit", "status");
  }

  @Test
  void helpOptionsAndUnknownCommandsGetEveryCommand() {
    int all = SpoolCommand.commandLine().getSubcommands().size();
    assertThat(all).isGreaterThan(15);
    assertThat(SpoolCommand.commandLineFor().getSubcommands()).hasSize(all);
    assertThat(SpoolCommand.commandLineFor("--help").getSubcommands()).hasSize(all);
    assertThat(SpoolCommand.commandLineFor("wroker").getSubcommands()).hasSize(all);
  }

  @Test
  void theRootHelpListsTheCommandsButNotTheHiddenTrainingRun() {
    StringWriter out = new StringWriter();
    CommandLine cli = SpoolCommand.commandLineFor("--help");
    cli.setOut(new PrintWriter(out, true));
    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("worker", "enqueue", "dashboard").doesNotContain("aot");
  }

  @Test
  void aCommandRunThroughItsOwnModelParsesAsBefore() {
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLineFor("worker", "--concurrency", "0");
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    assertThat(cli.execute("worker", "--concurrency", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--concurrency must be in [1, 10000], got 0");
  }
}
