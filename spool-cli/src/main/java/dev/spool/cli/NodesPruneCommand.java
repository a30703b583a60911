package dev.spool.cli;

import dev.spool.Monitor;
import dev.spool.Spool;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool nodes prune [--dead-for TIME]}: forgets worker nodes that are dead. */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {
      "Forgets the worker nodes that are not alive and were last heard of longer ago than"
          + " --dead-for. Live nodes are never touched; worker nodes forget the nodes dead for"
          + " over an hour by themselves."
    })
public final class NodesPruneCommand extends ClientCommand {
  @Option(
      names = "--dead-for",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Only nodes silent this long, e.g. 10m (default: every dead node).")
  Duration deadFor;

  @Override
  int run(Spool spool) {
    Monitor monitor = spool.monitor();
    List<String> gone = monitor.pruneNodes(deadFor == null ? Duration.ZERO : deadFor);
    if (json()) {
      printJson(JsonOut.object("pruned", gone));
    } else if (gone.isEmpty()) {
      out().println("no dead nodes to forget");
    } else {
      out()
          .println(
              "forgot "
                  + gone.size()
                  + " dead node"
                  + (gone.size() == 1 ? "" : "s")
                  + ": "
                  + String.join(", ", gone));
    }
    return 0;
  }
}
