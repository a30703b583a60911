package dev.spool.cli;

import dev.spool.Queues;
import dev.spool.Spool;
import picocli.CommandLine.Parameters;

/**
 * A {@code spool queue} subcommand: its first parameter names the queue, checked before Redis is
 * asked anything, so a malformed name is bad usage (exit code 2) as it is for {@code enqueue}. A
 * queue the namespace does not have is refused (exit code 1), as the dashboard refuses it: a typo
 * would otherwise leave a queue of that name listed for good.
 */
abstract class QueueNamedCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Override
  void validate() {
    checked("QUEUE", () -> Queues.validate(queue));
  }

  @Override
  final int run(Spool spool) {
    requireKnownQueue(spool, queue);
    return runOn(spool);
  }

  /** The command's work on a queue the namespace has. */
  abstract int runOn(Spool spool);
}
