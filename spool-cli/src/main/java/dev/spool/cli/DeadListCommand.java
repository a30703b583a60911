package dev.spool.cli;

import dev.spool.DeadJob;
import dev.spool.DeadJobs;
import dev.spool.Queues;
import dev.spool.Spool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool dead list}: the newest dead jobs. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists dead jobs, newest first, with their last error.")
public final class DeadListCommand extends ClientCommand {
  @Option(
      names = "--queue",
      paramLabel = "Q",
      description = "Of this queue only (default: every queue).")
  String queue;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "Show at most N (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  void validate() {
    if (queue != null) {
      checked("--queue", () -> Queues.validate(queue));
    }
    if (limit < 0) {
      throw usage("--limit must not be negative, got " + limit);
    }
  }

  @Override
  int run(Spool spool) {
    DeadJobs dead = spool.deadJobs();
    List<String> queues = DeadQueues.of(spool, queue);
    List<DeadJob> jobs = new ArrayList<>();
    long total = 0;
    for (String q : queues) {
      jobs.addAll(dead.list(q, 0, limit));
      total += dead.size(q);
    }
    jobs.sort(
        Comparator.comparing(DeadJob::diedAt)
            .reversed()
            .thenComparing(j -> j.id().queue())
            .thenComparing(j -> j.id().number(), Comparator.reverseOrder()));
    if (jobs.size() > limit) {
      jobs = jobs.subList(0, limit);
    }
    if (json()) {
      List<Object> rows = new ArrayList<>();
      for (DeadJob j : jobs) {
        rows.add(
            JsonOut.object(
                "id", j.id().toString(),
                "queue", j.id().queue(),
                "type", j.type(),
                "attempt", j.attempt(),
                "diedAt", j.diedAt(),
                "args", JsonOut.parseStored(j.args()),
                "error", JsonOut.parseStored(j.error())));
      }
      printJson(JsonOut.object("total", total, "jobs", rows));
      return 0;
    }
    if (total == 0) {
      out().println(queue == null ? "no dead jobs" : "no dead jobs in queue " + queue);
      return 0;
    }
    if (jobs.isEmpty()) { // --limit 0: the count alone
      out().println("0 of " + total + " dead jobs");
      return 0;
    }
    Table t = Table.of("id", "type", "attempt", "died at", "last error").alignRight(2);
    for (DeadJob j : jobs) {
      t.row(
          j.id(),
          j.type(),
          j.attempt(),
          Times.human(j.diedAt()),
          StatusCommand.shortError(JsonOut.value(j.error())));
    }
    out().print(t.render());
    out().println(jobs.size() + " of " + total + " dead jobs");
    return 0;
  }
}
