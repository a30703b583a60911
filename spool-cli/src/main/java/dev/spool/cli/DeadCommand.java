package dev.spool.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spool dead}: the dead set, jobs whose retries ran out. */
@Command(
    name = "dead",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description = "Lists, retries or purges dead jobs: those whose retries ran out.",
    subcommands = {DeadListCommand.class, DeadRetryCommand.class, DeadPurgeCommand.class})
public final class DeadCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "choose a command: list, retry or purge");
  }
}
