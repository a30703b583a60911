package dev.spool.cli;

import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool recurring cancel NAME}: removes a recurring job. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Removes a recurring job, as Spool.cancelRecurring: no more ticks. Jobs it enqueued already"
          + " stay.",
      "Exit code 1 if there is no recurring job of that name. An application that defines it at"
          + " start-up defines it again when it restarts."
    })
public final class RecurringCancelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The recurring job's name.")
  String name;

  @Override
  void validate() {
    // The rule of Spool.recurring's names: no recurring job can have another.
    if (name.isBlank() || name.length() > 200) {
      throw usage("NAME must be 1 to 200 characters, not only blanks, as recurring job names are");
    }
  }

  @Override
  int run(Spool spool) {
    if (!spool.cancelRecurring(name)) {
      throw new CommandFailedException("no recurring job '" + name + "'");
    }
    if (json()) {
      printJson(JsonOut.object("name", name, "cancelled", true));
    } else {
      out().println("cancelled recurring job '" + name + "' (jobs it enqueued stay)");
    }
    return 0;
  }
}
