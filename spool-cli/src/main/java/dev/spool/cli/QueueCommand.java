package dev.spool.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spool queue}: an operator's hold on a queue. */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description =
        "Pauses, resumes, limits or drains a queue on every node, shows its state, or forgets a"
            + " queue no longer used.",
    subcommands = {
      QueuePauseCommand.class,
      QueueResumeCommand.class,
      QueueStatusCommand.class,
      QueueLimitCommand.class,
      QueueDrainCommand.class,
      QueueForgetCommand.class
    })
public final class QueueCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "choose a command: pause, resume, limit, drain, status or forget");
  }
}
