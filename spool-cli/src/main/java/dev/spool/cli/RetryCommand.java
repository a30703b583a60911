package dev.spool.cli;

import dev.spool.JobId;
import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool retry ID}: the same as {@code spool dead retry ID}. */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Puts a dead job back in its queue with a fresh retry budget (= spool dead retry ID).",
      "Exit code 1 if the job is not dead."
    })
public final class RetryCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "ID",
      converter = JobIdConverter.class,
      description = "The dead job's id, queue:number.")
  JobId id;

  @Override
  int run(Spool spool) {
    DeadRetryCommand.retryOne(spool, id, json(), out());
    return 0;
  }
}
