package dev.spool.cli;

import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool nodes resume NAME}: a quiet node fetches jobs again. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {"Lets a quiet worker node fetch jobs again, within a heartbeat."})
public final class NodesResumeCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The node's name.")
  String name;

  @Override
  int run(Spool spool) {
    boolean wasQuiet = spool.monitor().resumeNode(name);
    if (json()) {
      printJson(JsonOut.object("node", name, "resumed", wasQuiet));
    } else if (wasQuiet) {
      out().println("node " + name + " resumed: it fetches jobs again within a heartbeat");
    } else {
      out().println("node " + name + " was not quiet");
    }
    return 0;
  }
}
