package dev.spool.cli;

import dev.spool.Queues;
import picocli.CommandLine.Parameters;

/**
 * A {@code spool queue} subcommand: its first parameter names the queue, checked before Redis is
 * asked anything, so a malformed name is bad usage (exit code 2) as it is for {@code enqueue}.
 */
abstract class QueueNamedCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Override
  void validate() {
    checked("QUEUE", () -> Queues.validate(queue));
  }
}
