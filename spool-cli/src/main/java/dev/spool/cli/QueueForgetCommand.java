package dev.spool.cli;

import picocli.CommandLine.Command;

/** {@code spool queue forget NAME}: takes a queue no longer used off the list of queues. */
@Command(
    name = "forget",
    mixinStandardHelpOptions = true,
    description = {
      "Takes a queue off the namespace's list of queues (spool stats, the dashboard, metrics and"
          + " queries over every queue list each queue ever used): for a queue no longer used, or"
          + " one named by mistake. Refused while the queue has jobs ready, scheduled, running or"
          + " dead, recurring jobs, or a live node that serves it. A queue used again is listed"
          + " again."
    })
public final class QueueForgetCommand extends QueueNamedCommand {
  @Override
  int runOn(dev.spool.Spool spool) {
    boolean listed;
    try {
      listed = spool.queue(queue).forget();
    } catch (IllegalStateException inUse) {
      throw new CommandFailedException("cannot forget " + inUse.getMessage(), inUse);
    }
    if (json()) {
      printJson(JsonOut.object("queue", queue, "forgotten", listed));
    } else {
      out()
          .println(
              listed
                  ? "forgot queue '" + queue + "': it is no longer listed"
                  : "queue '" + queue + "' was not listed");
    }
    return 0;
  }
}
