package dev.spool.cli;

import dev.spool.Monitor;
import dev.spool.QueueCounts;
import dev.spool.Spool;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code spool stats}: the jobs of each queue by where they are. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
      "Shows each queue's jobs: ready (R), delayed (D), processing now (P), completed since the"
          + " queue was first used, and dead."
    })
public final class StatsCommand extends ClientCommand {
  @Override
  int run(Spool spool) {
    Monitor monitor = spool.monitor();
    List<QueueCounts> counts = new ArrayList<>();
    for (String queue : monitor.queues()) {
      counts.add(monitor.counts(queue));
    }
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
      printJson(JsonOut.object("namespace", spool.namespace(), "queues", queues));
      return 0;
    }
    if (counts.isEmpty()) {
      out().println("no queues in namespace '" + spool.namespace() + "' yet");
      return 0;
    }
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
    out().print(t.render());
    return 0;
  }
}
