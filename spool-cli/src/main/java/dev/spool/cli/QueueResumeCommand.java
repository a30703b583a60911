package dev.spool.cli;

import dev.spool.QueueControl;
import dev.spool.Spool;
import picocli.CommandLine.Command;

/** {@code spool queue resume NAME}: the queue's jobs start again at once. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Resumes a paused queue; idle nodes take its jobs at once.")
public final class QueueResumeCommand extends QueueNamedCommand {
  @Override
  int runOn(Spool spool) {
    QueueControl control = spool.queue(queue);
    boolean changed = control.resume();
    if (json()) {
      printJson(JsonOut.object("queue", queue, "paused", false, "changed", changed));
    } else {
      out()
          .println(
              changed ? "resumed queue '" + queue + "'" : "queue '" + queue + "' was not paused");
    }
    return 0;
  }
}
