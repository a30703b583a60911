package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.chaos.Workers.Kill;
import java.util.ArrayList;
import java.util.List;

/**
 * How long the jobs a dead node held took to run again: for each job Redis said the node held when
 * it was killed, the time from the kill to the job's next start (in any process).
 *
 * @param millis one recovery time per job that ran again, sorted
 * @param neverAgain held jobs that did not start again (their acknowledgement landed after all)
 */
record Recovery(List<Long> millis, int neverAgain) {
  static Recovery of(List<Kill> kills, Runs runs) {
    List<Long> times = new ArrayList<>();
    int never = 0;
    for (Kill k : kills) {
      for (JobId job : k.held()) {
        long next = runs.firstStartAfter(job, k.atMillis());
        if (next < 0) {
          never++;
        } else {
          times.add(next - k.atMillis());
        }
      }
    }
    times.sort(null);
    return new Recovery(List.copyOf(times), never);
  }

  /** "median 36.1 s, max 44.0 s (n jobs)", or "-" when no held job ran again. */
  String summary() {
    if (millis.isEmpty()) {
      return "-";
    }
    return "median "
        + Experiment.seconds(millis.get(millis.size() / 2))
        + ", max "
        + Experiment.seconds(millis.get(millis.size() - 1))
        + " ("
        + millis.size()
        + " jobs)";
  }
}
