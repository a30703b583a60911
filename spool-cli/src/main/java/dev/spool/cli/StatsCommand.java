package dev.spool.cli;

import dev.spool.Monitor;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code spool stats}: the jobs of each queue by where they are. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Shows each queue's jobs: ready (R), delayed (D), processing now (P), completed since the"
          + " queue was first used, and dead; then the worker nodes (as spool nodes)."
    })
public final class StatsCommand extends ClientCommand {
  @Override
  int run(Spool spool) {
    Monitor monitor = spool.monitor();
    List<QueueCounts> counts = new ArrayList<>();
    for (String queue : monitor.queues()) {
      counts.add(monitor.counts(queue));
    }
    List<NodeInfo> nodes = monitor.nodes();
    if (json()) {
      List<Object> queues = new ArrayList<>();
      for (QueueCounts c : counts) {
        queues.add(
            JsonOut.object(
                "queue", c.queue(),
                "ready", c.ready(),
                "delayed", c.delayed(),
                "processing", c.processing(),
                "completed", c.completed(),
                "dead", c.dead()));
      }
      List<Object> nodeDocs = new ArrayList<>();
      for (NodeInfo n : nodes) {
        nodeDocs.add(NodesCommand.document(n, null));
      }
      printJson(
          JsonOut.object("namespace", spool.namespace(), "queues", queues, "nodes", nodeDocs));
      return 0;
    }
    if (counts.isEmpty()) {
      out().println("no queues in namespace '" + spool.namespace() + "' yet");
    } else {
      out().print(queueTable(counts).render());
    }
    out().println();
    if (nodes.isEmpty()) {
      out().println(NodesCommand.noNodes(spool));
    } else {
      out().print(NodesCommand.table(nodes, Instant.now()).render());
    }
    return 0;
  }

  private static Table queueTable(List<QueueCounts> counts) {
    Table t =
        Table.of("queue", "ready", "delayed", "processing", "completed", "dead")
            .alignRight(1, 2, 3, 4, 5);
    long[] total = new long[5];
    for (QueueCounts c : counts) {
      long[] n = {c.ready(), c.delayed(), c.processing(), c.completed(), c.dead()};
      t.row(c.queue(), n[0], n[1], n[2], n[3], n[4]);
      for (int i = 0; i < n.length; i++) {
        total[i] += n[i];
      }
    }
    if (counts.size() > 1) {
      t.row("(all)", total[0], total[1], total[2], total[3], total[4]);
    }
    return t;
  }
}
