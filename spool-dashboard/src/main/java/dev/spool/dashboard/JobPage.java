package dev.spool.dashboard;

import dev.spool.JobStatus;
import java.util.List;

/**
 * One page of a jobs query, newest first.
 *
 * @param total how many statuses match in all
 */
record JobPage(List<JobStatus> jobs, long total) {}
