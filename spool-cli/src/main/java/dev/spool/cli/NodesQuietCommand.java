package dev.spool.cli;

import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool nodes quiet NAME}: a live node fetches no new jobs until resumed. */
@Command(
    name = "quiet",
    mixinStandardHelpOptions = true,
    description = {
      "Asks a live worker node to be quiet (Sidekiq's quiet): within a heartbeat it fetches no"
          + " new jobs, runs those it holds to their end and stays up, until spool nodes resume"
          + " or its restart.",
      "Exit code 1 if no live node has the name."
    })
public final class NodesQuietCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The node's name.")
  String name;

  @Override
  int run(Spool spool) {
    if (!spool.monitor().quietNode(name)) {
      throw new CommandFailedException(
          "no live worker node '" + name + "' in namespace '" + spool.namespace() + "'");
    }
    if (json()) {
      printJson(JsonOut.object("node", name, "quiet", true));
    } else {
      out()
          .println(
              "node " + name + " asked to be quiet: it fetches no new jobs within a heartbeat");
    }
    return 0;
  }
}
