package dev.spool.cli;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Queues;
import dev.spool.Spool;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spool dead retry ID | --all [--queue Q]}: dead jobs back in their queue. */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Puts a dead job (or, with --all, every dead job of --queue or of every queue) back in its"
          + " queue with a fresh retry budget.",
      "Exit code 1 if the job is not dead."
    })
public final class DeadRetryCommand extends ClientCommand {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ID",
      converter = JobIdConverter.class,
      description = "The dead job's id, queue:number.")
  JobId id;

  @Option(names = "--all", description = "Retry every dead job (of --queue, if given).")
  boolean all;

  @Option(
      names = "--queue",
      paramLabel = "Q",
      description = "With --all: of this queue only (default: every queue).")
  String queue;

  @Override
  void validate() {
    if (id != null && all) {
      throw usage("give a job id or --all, not both");
    }
    if (id == null && !all) {
      throw usage("give the id of a dead job, or --all [--queue Q]");
    }
    if (id != null && queue != null) {
      throw usage("--queue goes with --all; a job id names its queue already");
    }
    if (queue != null) {
      checked("--queue", () -> Queues.validate(queue));
    }
  }

  @Override
  int run(Spool spool) {
    if (all) {
      var counts = DeadQueues.each(spool, queue, spool.deadJobs()::retryAll);
      if (json()) {
        printJson(DeadQueues.json(queue, "retried", counts));
      } else {
        out().println("retried " + DeadQueues.describe(queue, counts));
      }
      return 0;
    }
    retryOne(spool, id, json(), out());
    return 0;
  }

  /**
   * Retries one dead or killed job and says so; fails with a clear message if there is no such job,
   * or it is neither, or a killed batch part. Shared with {@code spool retry}.
   */
  static void retryOne(Spool spool, JobId id, boolean json, PrintWriter out) {
    if (!spool.deadJobs().retry(id)) {
      JobStatus s = existing(spool, id);
      throw new CommandFailedException(
          s.state() == dev.spool.State.KILLED
              ? "job " + id + " is a killed batch part: its batch counted it as failed already"
              : "job " + id + " is neither dead nor killed (it is " + s.state().stored() + ")");
    }
    if (json) {
      out.println(JsonOut.write(JsonOut.object("id", id.toString(), "retried", true)));
    } else {
      out.println("retried " + id + ": it is queued again");
    }
  }
}
