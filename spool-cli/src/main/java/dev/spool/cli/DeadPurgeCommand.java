package dev.spool.cli;

import dev.spool.Queues;
import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool dead purge --queue Q}: deletes a queue's dead jobs. */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = "Deletes every dead job of a queue, with its status.")
public final class DeadPurgeCommand extends ClientCommand {
  @Option(
      names = "--queue",
      paramLabel = "Q",
      required = true,
      description = "The queue whose dead jobs to delete.")
  String queue;

  @Override
  void validate() {
    checked("--queue", () -> Queues.validate(queue));
  }

  @Override
  int run(Spool spool) {
    long n = spool.deadJobs().purge(queue);
    if (json()) {
      printJson(JsonOut.object("queue", queue, "purged", n));
    } else {
      out().println("purged " + n + " dead job" + (n == 1 ? "" : "s") + " of queue " + queue);
    }
    return 0;
  }
}
