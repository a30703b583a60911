package dev.spool.dashboard;

import dev.spool.BatchProgress;
import dev.spool.DeadPage;
import dev.spool.JobId;
import dev.spool.JobLogPage;
import dev.spool.JobStatus;
import dev.spool.NodeInfo;
import dev.spool.QueueSettings;
import dev.spool.QueuesSnapshot;
import dev.spool.RecurringJob;
import dev.spool.StatusCount;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the dashboard reads from and does to Redis, in one place: today on Spool's public API
 * ({@link SpoolData}), the way the command line uses it.
 */
interface DashboardData {
  String namespace();

  /** The namespace's queues (one round trip). */
  List<String> queues();

  /** These queues' counts, how many queues there are, and a version: one round trip. */
  QueuesSnapshot snapshot(List<String> queues);

  /** Whether these queues are paused, and their limits: one round trip for all. */
  List<QueueSettings> settings(List<String> queues);

  /** Pauses a queue: no node starts its jobs until it is resumed; false if it was paused. */
  boolean pause(String queue);

  /** Resumes a paused queue; false if it was running. */
  boolean resume(String queue);

  /**
   * Removes a queue's waiting jobs, and its scheduled ones when {@code includeScheduled} (never its
   * running ones); returns how many.
   */
  long drain(String queue, boolean includeScheduled);

  List<NodeInfo> nodes();

  /** Asks a live node to fetch no new jobs; false if no live node has the name. */
  boolean quietNode(String node);

  /** Lets a quiet node fetch again; false if it was not quiet. */
  boolean resumeNode(String node);

  /** The jobs every node holds now, by node name; in two round trips however many nodes. */
  Map<String, List<JobId>> jobsByNode();

  /**
   * Succeeded and failed jobs per minute over the last hour of every queue summed, oldest first,
   * the current minute last; empty when the namespace has no queue.
   */
  List<ThroughputMinute> throughputHistory();

  /**
   * A page of {@code limit} statuses after {@code cursor} (null: the newest), by position: a deep
   * page costs what the first does.
   *
   * @throws IllegalArgumentException if the cursor is malformed or belongs to another filter
   */
  JobPage jobs(JobFilter filter, String cursor, int limit);

  /**
   * Counts the matching statuses for about {@code within} at most, going on from {@code cursor}:
   * possibly a partial count ("≥ N"), never a long Redis call.
   *
   * @throws IllegalArgumentException if the cursor is malformed or belongs to another filter
   */
  StatusCount countJobs(JobFilter filter, Duration within, String cursor);

  Optional<JobStatus> job(JobId id);

  /** Lines of a job's log from a position on (see {@link JobLogPage}), without its status. */
  JobLogPage log(JobId id, long from, int maxLines);

  /** The newest lines of a job's log. */
  JobLogPage logTail(JobId id, int maxLines);

  /** Puts a dead job back in its queue; false if it is not dead. */
  boolean retry(JobId id);

  /** Kills a job: a waiting one at once, a running one on its node; false if it has ended. */
  boolean kill(JobId id);

  /** Removes a queued or delayed job (it becomes killed); false if it is not waiting. */
  boolean cancel(JobId id);

  /** Deletes a finished job's status; false if it is still incomplete. */
  boolean delete(JobId id);

  /**
   * Kills a job by the state a list read (a clipped status), without reading it whole: a waiting
   * one is cancelled (killed at once), a running or unqueued one asked to stop; false if it has
   * ended or is gone.
   */
  boolean killListed(JobStatus listed);

  /**
   * Deletes an ended job (succeeded, failed or killed) by the state a list read, without reading it
   * whole; false if it is not ended.
   */
  boolean deleteListed(JobStatus listed);

  /** A page of these queues' dead jobs merged newest first ({@code DeadJobs.page}). */
  DeadPage deadPage(List<String> queues, String cursor, int limit);

  long retryAllDead(String queue);

  long purgeDead(String queue);

  List<RecurringJob> recurringJobs();

  boolean cancelRecurring(String name);

  /** Fires a recurring job now; false if there is none of that name. */
  boolean triggerRecurring(String name);

  /** Makes a delayed job (or a retry) ready now; false if it is not waiting. */
  boolean runNow(JobId id);

  /** A batch's progress, or empty if there is no such batch. */
  Optional<BatchProgress> batch(String batchId);

  /** A distributed job's progress, or empty if there is no such job. */
  Optional<DistributedProgress> distributedJob(String token);
}
