package dev.spool.cli;

import dev.spool.JobId;
import dev.spool.NodeInfo;
import dev.spool.Spool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool nodes}: the worker nodes that registered, live or dead. */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    subcommands = {NodesPruneCommand.class, NodesQuietCommand.class, NodesResumeCommand.class},
    description = {
      "Lists the worker nodes: alive or not, host, pid, queues, concurrency, jobs held at the last"
          + " heartbeat, and when that was.",
      "A node that stopped gracefully is gone from the list; one whose heartbeats stopped shows"
          + " as not alive until it comes back (its jobs return to their queues when their leases"
          + " expire) or is forgotten: after an hour, or at once with 'spool nodes prune'."
    })
public final class NodesCommand extends ClientCommand {
  @Option(names = "--jobs", description = "Also list the jobs each node holds now.")
  boolean jobs;

  @Override
  int run(Spool spool) {
    List<NodeInfo> nodes = spool.monitor().nodes();
    if (json()) {
      Map<String, List<JobId>> held = heldByNode(spool, nodes);
      List<Object> rows = new ArrayList<>();
      for (NodeInfo n : nodes) {
        rows.add(document(n, held.getOrDefault(n.name(), List.of())));
      }
      printJson(JsonOut.object("namespace", spool.namespace(), "nodes", rows));
      return 0;
    }
    if (nodes.isEmpty()) {
      out().println(noNodes(spool));
      return 0;
    }
    out().print(table(nodes, Instant.now()).render());
    if (jobs) {
      out().println();
      Map<String, List<JobId>> byNode = heldByNode(spool, nodes);
      for (NodeInfo n : nodes) {
        List<JobId> held = byNode.getOrDefault(n.name(), List.of());
        out()
            .println(
                n.name()
                    + " holds "
                    + (held.isEmpty()
                        ? "no jobs"
                        : String.join(", ", held.stream().map(JobId::toString).toList())));
      }
    }
    return 0;
  }

  /**
   * The jobs each node holds, read once for all ({@link dev.spool.Monitor#jobsByNode}: two round
   * trips), not once per node, which read every queue's leases again for each node.
   */
  private static Map<String, List<JobId>> heldByNode(Spool spool, List<NodeInfo> nodes) {
    return nodes.isEmpty() ? Map.of() : spool.monitor().jobsByNode();
  }

  static String noNodes(Spool spool) {
    return "no worker nodes in namespace '" + spool.namespace() + "'";
  }

  /** The table of nodes, for {@code spool nodes} and {@code spool stats}. */
  static Table table(List<NodeInfo> nodes, Instant now) {
    Table t =
        Table.of("node", "alive", "host", "pid", "queues", "concurrency", "busy", "last heartbeat")
            .alignRight(3, 5, 6);
    for (NodeInfo n : nodes) {
      t.row(
          n.name(),
          n.alive() ? (n.quiet() ? "quiet" : "yes") : "no",
          n.host(),
          n.pid(),
          n.queues() == null ? null : String.join(",", n.queues()),
          n.concurrency(),
          n.busy(),
          Times.human(n.lastHeartbeat()) + " (" + ago(n.lastHeartbeat(), now) + ")");
    }
    return t;
  }

  /** One node as JSON; {@code jobs} are those it holds now (null: not asked). */
  static Map<String, Object> document(NodeInfo n, List<JobId> jobs) {
    return JsonOut.object(
        "name", n.name(),
        "alive", n.alive(),
        "quiet", n.quiet(),
        "host", n.host(),
        "pid", n.pid(),
        "queues", n.queues(),
        "concurrency", n.concurrency(),
        "busy", n.busy(),
        "startedAt", n.startedAt(),
        "lastHeartbeat", n.lastHeartbeat(),
        "jobs", jobs == null ? null : jobs.stream().map(JobId::toString).toList());
  }

  /** "3s ago", "2m ago", "1h ago"; "just now" under a second. */
  static String ago(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    if (d.isNegative() || d.toMillis() < 1000) {
      return "just now";
    }
    long s = d.toSeconds();
    if (s < 120) {
      return s + "s ago";
    }
    if (s < 7200) {
      return (s / 60) + "m ago";
    }
    if (s < 2 * 86400) {
      return (s / 3600) + "h ago";
    }
    return (s / 86400) + "d ago";
  }
}
