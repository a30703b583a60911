package dev.spool.cli;

import dev.spool.RecurringJob;
import dev.spool.Spool;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code spool recurring list}: every recurring job with its last and next run. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists the recurring jobs by name: queue, schedule, job type, the node its jobs run on, priority, last and next run.")
public final class RecurringListCommand extends ClientCommand {
  @Override
  int run(Spool spool) {
    List<RecurringJob> jobs = spool.recurringJobs();
    if (json()) {
      List<Object> rows = new ArrayList<>();
      for (RecurringJob r : jobs) {
        rows.add(
            JsonOut.object(
                "name", r.name(),
                "queue", r.queue(),
                "schedule", r.schedule(),
                "type", r.type(),
                "args", JsonOut.parseStored(r.args()),
                "lastRun", r.lastRun().orElse(null),
                "nextRun", r.nextRun(),
                "node", r.node().orElse(null),
                "strictNode", r.strictNode(),
                "notNode", r.notNode().orElse(null),
                "priority", r.priority()));
      }
      printJson(JsonOut.object("recurring", rows));
      return 0;
    }
    if (jobs.isEmpty()) {
      out().println("no recurring jobs in namespace '" + spool.namespace() + "'");
      return 0;
    }
    Table t =
        Table.of(
            "name", "queue", "schedule", "type", "runs on", "priority", "last run", "next run");
    for (RecurringJob r : jobs) {
      t.row(
          r.name(),
          r.queue(),
          r.scheduleText(),
          r.type(),
          r.affinityText().isEmpty() ? "any node" : r.affinityText(),
          Integer.toString(r.priority()),
          r.lastRun().map(Times::human).orElse("never"),
          Times.human(r.nextRun()));
    }
    out().print(t.render());
    return 0;
  }
}
