package dev.spool.cli;

import dev.spool.QueueControl;
import dev.spool.RateLimit;
import dev.spool.Spool;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Command;

/** {@code spool queue status NAME}: whether the queue is paused, and its limits. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Says whether a queue is paused or running, and its own limits.")
public final class QueueStatusCommand extends QueueNamedCommand {
  @Override
  int runOn(Spool spool) {
    print(this, spool.queue(queue));
    return 0;
  }

  /** The queue's state and limits, as text or JSON. */
  static void print(ClientCommand command, QueueControl control) {
    boolean paused = control.isPaused();
    OptionalInt concurrency = control.concurrencyLimit();
    Optional<RateLimit<Object>> rate = control.rateLimit();
    String rateText = rate.map(r -> r.max() + "/" + DurationConverter.format(r.per())).orElse(null);
    if (command.json()) {
      command.printJson(
          JsonOut.object(
              "queue",
              control.name(),
              "paused",
              paused,
              "concurrencyLimit",
              concurrency.isPresent() ? concurrency.getAsInt() : null,
              "rateLimit",
              rateText));
      return;
    }
    command
        .out()
        .println(
            "queue '"
                + control.name()
                + "' is "
                + (paused ? "paused" : "running")
                + (concurrency.isPresent()
                    ? ", at most " + concurrency.getAsInt() + " at once"
                    : "")
                + (rateText != null ? ", at most " + rateText + " starts" : ""));
  }
}
