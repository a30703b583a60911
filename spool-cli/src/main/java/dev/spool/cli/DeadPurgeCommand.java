package dev.spool.cli;

import dev.spool.Queues;
import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool dead purge [--queue Q]}: deletes dead jobs, of one queue or of all. */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = "Deletes every dead job, with its status, of --queue or of every queue.")
public final class DeadPurgeCommand extends ClientCommand {
  @Option(
      names = "--queue",
      paramLabel = "Q",
      description = "Of this queue only (default: every queue).")
  String queue;

  @Override
  void validate() {
    if (queue != null) {
      checked("--queue", () -> Queues.validate(queue));
    }
  }

  @Override
  int run(Spool spool) {
    var counts = DeadQueues.each(spool, queue, spool.deadJobs()::purge);
    if (json()) {
      printJson(DeadQueues.json(queue, "purged", counts));
    } else {
      out().println("purged " + DeadQueues.describe(queue, counts));
    }
    return 0;
  }
}
