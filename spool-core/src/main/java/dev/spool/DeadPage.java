package dev.spool;

import java.util.List;

/**
 * A page of dead jobs across queues, newest first: see {@link DeadJobs#page}.
 *
 * @param next the cursor of the following page, or null after the last one
 */
public record DeadPage(List<DeadJob> jobs, String next) {
  public DeadPage {
    jobs = List.copyOf(jobs);
  }
}
