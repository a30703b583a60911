package dev.spool.cli;

import dev.spool.Durations;
import dev.spool.Monitor;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.QueueSettings;
import dev.spool.Spool;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code spool stats}: the jobs of each queue by where they are, and whether it is paused. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Shows each queue's jobs: ready (R), delayed (D), processing now (P), completed since the"
          + " queue was first used, and dead; how long its longest-waiting ready job has waited"
          + " (latency); and whether the queue is paused (spool queue pause); then the worker"
          + " nodes (as spool nodes)."
    })
public final class StatsCommand extends ClientCommand {
  /** One queue's line: its counts, and whether it is paused. */
  private record Line(QueueCounts counts, boolean paused) {}

  @Override
  int run(Spool spool) {
    Monitor monitor = spool.monitor();
    List<Line> lines = new ArrayList<>();
    List<String> names = monitor.queues();
    List<QueueSettings> settings = monitor.settings(names); // one round trip for all
    for (int i = 0; i < names.size(); i++) {
      lines.add(new Line(monitor.counts(names.get(i)), settings.get(i).paused()));
    }
    List<NodeInfo> nodes = monitor.nodes();
    if (json()) {
      List<Object> queues = new ArrayList<>();
      for (Line line : lines) {
        QueueCounts c = line.counts();
        queues.add(
            JsonOut.object(
                "queue", c.queue(),
                "ready", c.ready(),
                "delayed", c.delayed(),
                "processing", c.processing(),
                "completed", c.completed(),
                "dead", c.dead(),
                "latencyMs", c.latency().toMillis(),
                "paused", line.paused()));
      }
      List<Object> nodeDocs = new ArrayList<>();
      for (NodeInfo n : nodes) {
        nodeDocs.add(NodesCommand.document(n, null));
      }
      printJson(
          JsonOut.object("namespace", spool.namespace(), "queues", queues, "nodes", nodeDocs));
      return 0;
    }
    if (lines.isEmpty()) {
      out().println("no queues in namespace '" + spool.namespace() + "' yet");
    } else {
      out().print(queueTable(lines).render());
    }
    out().println();
    if (nodes.isEmpty()) {
      out().println(NodesCommand.noNodes(spool));
    } else {
      out().print(NodesCommand.table(nodes, Instant.now()).render());
    }
    return 0;
  }

  private static Table queueTable(List<Line> lines) {
    Table t =
        Table.of(
                "queue", "ready", "delayed", "processing", "completed", "dead", "latency", "paused")
            .alignRight(1, 2, 3, 4, 5, 6);
    long[] total = new long[5];
    Duration longest = Duration.ZERO;
    for (Line line : lines) {
      QueueCounts c = line.counts();
      long[] n = {c.ready(), c.delayed(), c.processing(), c.completed(), c.dead()};
      t.row(
          c.queue(),
          n[0],
          n[1],
          n[2],
          n[3],
          n[4],
          latency(c.ready(), c.latency()),
          line.paused() ? "yes" : "no");
      for (int i = 0; i < n.length; i++) {
        total[i] += n[i];
      }
      longest = c.latency().compareTo(longest) > 0 ? c.latency() : longest;
    }
    if (lines.size() > 1) {
      t.row(
          "(all)",
          total[0],
          total[1],
          total[2],
          total[3],
          total[4],
          latency(total[0], longest),
          null);
    }
    return t;
  }

  /**
   * A latency as people read it ("40ms", "12.3s", "5m2s", "50h3m7s"): whole seconds from a minute
   * on; "-" when no job is ready.
   */
  static String latency(long ready, Duration latency) {
    if (ready == 0) {
      return "-";
    }
    return Durations.format(
        latency.compareTo(Duration.ofMinutes(1)) < 0
            ? latency
            : latency.truncatedTo(ChronoUnit.SECONDS));
  }
}
