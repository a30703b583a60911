package dev.spool.cli;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Spool;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool cancel ID}: removes a job that has not started. */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Removes a job that is queued or delayed; its state becomes killed.",
      "Exit code 1 if there is no such job or it is running or finished (spool kill stops a"
          + " running job)."
    })
public final class CancelCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "ID",
      converter = JobIdConverter.class,
      description = "The job's id, queue:number.")
  JobId id;

  @Override
  int run(Spool spool) {
    if (!spool.cancel(id)) {
      Optional<JobStatus> s = spool.statuses().find(id);
      if (s.isEmpty()) {
        throw noJob(id);
      }
      throw new CommandFailedException(
          "job " + id + " is not queued or delayed (it is " + s.get().state().stored() + ")");
    }
    if (json()) {
      printJson(JsonOut.object("id", id.toString(), "cancelled", true));
    } else {
      out().println("cancelled " + id);
    }
    return 0;
  }
}
