package dev.spool.cli;

import dev.spool.QueueControl;
import dev.spool.Spool;
import picocli.CommandLine.Command;

/** {@code spool queue pause NAME}: no node starts the queue's jobs until it is resumed. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = {
      "Pauses a queue on every node: it keeps accepting jobs, running jobs finish, and no node"
          + " starts another until `spool queue resume`. Stored in Redis: survives restarts."
    })
public final class QueuePauseCommand extends QueueNamedCommand {
  @Override
  int runOn(Spool spool) {
    QueueControl control = spool.queue(queue);
    boolean changed = control.pause();
    if (json()) {
      printJson(JsonOut.object("queue", queue, "paused", true, "changed", changed));
    } else {
      out()
          .println(
              changed
                  ? "paused queue '" + queue + "': no node starts its jobs until it is resumed"
                  : "queue '" + queue + "' was paused already");
    }
    return 0;
  }
}
