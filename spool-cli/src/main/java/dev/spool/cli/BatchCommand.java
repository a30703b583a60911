package dev.spool.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spool batch}: batches of jobs (Spool.batch()). */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description = "Shows where a batch of jobs stands (see docs/batches.md).",
    subcommands = {BatchShowCommand.class})
public final class BatchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "choose a command: show");
  }
}
