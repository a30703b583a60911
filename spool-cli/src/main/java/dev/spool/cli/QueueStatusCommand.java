package dev.spool.cli;

import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool queue status NAME}: whether the queue is paused. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Says whether a queue is paused or running.")
public final class QueueStatusCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Override
  int run(Spool spool) {
    boolean paused = spool.queue(queue).isPaused();
    if (json()) {
      printJson(JsonOut.object("queue", queue, "paused", paused));
    } else {
      out().println("queue '" + queue + "' is " + (paused ? "paused" : "running"));
    }
    return 0;
  }
}
