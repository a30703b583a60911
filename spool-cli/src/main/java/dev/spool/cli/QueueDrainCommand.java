package dev.spool.cli;

import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool queue drain NAME}: removes the queue's waiting jobs. */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = {
      "Removes a queue's waiting jobs (ready, pinned, held back by a concurrency limit) and, with"
          + " --scheduled, its delayed jobs and retries too. Each ends as `spool cancel` ends one:"
          + " killed, its status kept for the retention. Running jobs are not touched. Done in"
          + " short steps, so Redis keeps serving meanwhile; jobs enqueued during the drain may"
          + " stay."
    })
public final class QueueDrainCommand extends QueueNamedCommand {
  @Option(
      names = "--scheduled",
      description = "Removes the queue's scheduled jobs too (delayed, or waiting for a retry).")
  boolean scheduled;

  @Override
  int runOn(Spool spool) {
    long removed = spool.queue(queue).drain(scheduled);
    if (json()) {
      printJson(JsonOut.object("queue", queue, "removed", removed, "scheduled", scheduled));
    } else {
      out()
          .println(
              "drained queue '"
                  + queue
                  + "': removed "
                  + removed
                  + (removed == 1 ? " job" : " jobs")
                  + (scheduled ? " (waiting and scheduled)" : " (waiting; scheduled jobs stay)"));
    }
    return 0;
  }
}
