package dev.spool.dashboard;

import dev.spool.JobStatus;
import java.util.List;

/**
 * One page of a jobs query, newest first.
 *
 * @param next the cursor of the next page; null after the last one
 */
record JobPage(List<JobStatus> jobs, String next) {}
