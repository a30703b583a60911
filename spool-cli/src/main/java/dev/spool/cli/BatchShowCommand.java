package dev.spool.cli;

import dev.spool.Batch;
import dev.spool.BatchProgress;
import dev.spool.Queues;
import dev.spool.Spool;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code spool batch show ID}: the progress of one batch. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the progress of a batch: its parts in all, those that have not ended yet, those that"
          + " succeeded and those that failed (died, were killed, or were never enqueued), and whether it has finished"
          + " (its callbacks were enqueued) or was stopped.",
      "Exit code 1 if there is no such batch (never submitted, or its keys expired 7 days after"
          + " its last change)."
    })
public final class BatchShowCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "ID",
      converter = BatchIdConverter.class,
      description = "The batch's id, queue:token, as Batch.id() gives it.")
  String id;

  @Override
  int run(Spool spool) {
    Batch batch = checked(null, () -> spool.batch(id));
    BatchProgress p = batch.progress();
    if (p.total() == 0 && p.pending() == 0 && !p.finished() && !p.stopped()) {
      throw new CommandFailedException("no batch '" + id + "'");
    }
    long ended = p.succeeded() + p.failed();
    if (json()) {
      printJson(
          JsonOut.object(
              "id", batch.id(),
              "queue", batch.queue(),
              "total", p.total(),
              "pending", p.pending(),
              "succeeded", p.succeeded(),
              "failed", p.failed(),
              "finished", p.finished(),
              "stopped", p.stopped()));
      return 0;
    }
    Table t = Table.keyValue();
    t.row("id", batch.id());
    t.row("progress", progressBar(ended, p.total()));
    t.row("total", p.total());
    t.row("pending", p.pending());
    t.row("succeeded", p.succeeded());
    t.row("failed", p.failed() + (p.failed() > 0 ? " (died, killed, or never enqueued)" : ""));
    t.row(
        "finished",
        p.finished()
            ? "yes: its callbacks were enqueued"
            : "no: " + p.pending() + " part" + (p.pending() == 1 ? "" : "s") + " to go");
    t.row("stopped", p.stopped() ? "yes: parts not started yet end as killed" : "no");
    out().print(t.render());
    return 0;
  }

  /** {@code [#####.....] 50%}, of the parts that ended. */
  static String progressBar(long done, long total) {
    int width = 20;
    int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
    long percent = total <= 0 ? 0 : done * 100 / total;
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + percent + "%";
  }

  /**
   * Reads a batch id, {@code queue:token}: anything else is bad usage, found before connecting.
   * Spool checks it again (see {@link Spool#batch(String)}).
   */
  static final class BatchIdConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String id = value == null ? "" : value.strip();
      int colon = id.indexOf(':');
      if (colon <= 0 || colon == id.length() - 1) {
        throw new TypeConversionException(
            "'" + value + "' is not a batch id: use queue:token, as Batch.id() gives it");
      }
      try {
        Queues.validate(id.substring(0, colon));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("'" + value + "' is not a batch id: " + e.getMessage());
      }
      if (!id.substring(colon + 1).matches("[A-Za-z0-9._-]{1,100}")) {
        throw new TypeConversionException(
            "'"
                + value
                + "' is not a batch id: the token after the queue is 1 to 100 letters, digits,"
                + " '.', '_' or '-'");
      }
      return id;
    }
  }
}
