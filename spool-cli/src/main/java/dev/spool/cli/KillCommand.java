package dev.spool.cli;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spool kill ID}: asks for a job to be killed. */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    description = {
      "Kills a job: a queued or delayed job is removed and killed at once; a running one is"
          + " interrupted on its node and becomes killed when its handler stops.",
      "Exit code 1 if there is no such job or it has finished already."
    })
public final class KillCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "ID",
      converter = JobIdConverter.class,
      description = "The job's id, queue:number.")
  JobId id;

  @Override
  int run(Spool spool) {
    JobStatus s = existing(spool, id);
    State before = s.state();
    if (s.isCompleted() || before == State.KILLED) {
      throw new CommandFailedException(
          "job " + id + " has finished already (it is " + before.stored() + ")");
    }
    s.requestKill();
    State now = s.state();
    if (json()) {
      printJson(JsonOut.object("id", id.toString(), "requested", true, "state", now.stored()));
    } else if (now == State.KILLED) {
      out().println("killed " + id + " (it was " + before.stored() + ")");
    } else if (now == State.STARTED) {
      out().println("kill requested for " + id + ": its node interrupts it");
    } else {
      out().println("kill requested for " + id + " (it is " + now.stored() + ")");
    }
    return 0;
  }
}
