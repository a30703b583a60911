package dev.spool.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spool recurring}: the recurring jobs that applications defined. */
@Command(
    name = "recurring",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description =
        "Lists or cancels recurring jobs (those an application defined with Spool.recurring).",
    subcommands = {RecurringListCommand.class, RecurringCancelCommand.class})
public final class RecurringCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "choose a command: list or cancel");
  }
}
