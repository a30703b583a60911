package dev.spool.dashboard;

import dev.spool.Batch;
import dev.spool.BatchProgress;
import dev.spool.DeadPage;
import dev.spool.DistributedJob;
import dev.spool.JobId;
import dev.spool.JobLogPage;
import dev.spool.JobStatus;
import dev.spool.NodeInfo;
import dev.spool.QueueSettings;
import dev.spool.QueuesSnapshot;
import dev.spool.RecurringJob;
import dev.spool.Spool;
import dev.spool.SpoolException;
import dev.spool.State;
import dev.spool.StatusCount;
import dev.spool.StatusIncompleteException;
import dev.spool.StatusPage;
import dev.spool.StatusQuery;
import dev.spool.Throughput;
import dev.spool.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link DashboardData} on Spool's public API, as the command line uses it. */
final class SpoolData implements DashboardData {
  /** Open parts of a distributed job shown at most (read a page at a time, never whole). */
  static final int OPEN_PARTS_SHOWN = 100;

  private final Spool spool;

  SpoolData(Spool spool) {
    this.spool = spool;
  }

  @Override
  public String namespace() {
    return spool.namespace();
  }

  @Override
  public List<String> queues() {
    return spool.monitor().queues();
  }

  @Override
  public QueuesSnapshot snapshot(List<String> queues) {
    return spool.monitor().snapshot(queues);
  }

  @Override
  public List<QueueSettings> settings(List<String> queues) {
    return spool.monitor().settings(queues);
  }

  @Override
  public boolean pause(String queue) {
    return spool.queue(queue).pause();
  }

  @Override
  public boolean resume(String queue) {
    return spool.queue(queue).resume();
  }

  @Override
  public long drain(String queue, boolean includeScheduled) {
    return spool.queue(queue).drain(includeScheduled);
  }

  @Override
  public boolean quietNode(String node) {
    return spool.monitor().quietNode(node);
  }

  @Override
  public boolean resumeNode(String node) {
    return spool.monitor().resumeNode(node);
  }

  @Override
  public List<NodeInfo> nodes() {
    return spool.monitor().nodes();
  }

  @Override
  public Map<String, List<JobId>> jobsByNode() {
    return spool.monitor().jobsByNode();
  }

  @Override
  public List<ThroughputMinute> throughputHistory() {
    // One pipelined round trip for all queues: 60 small hashes per queue, the namespace's queues
    // being few by construction (one list of names in Redis).
    Map<Instant, long[]> sums = new TreeMap<>();
    for (Throughput t : spool.monitor().throughput(spool.monitor().queues())) {
      for (dev.spool.ThroughputMinute m : t.minutes()) {
        long[] sum = sums.computeIfAbsent(m.minute(), k -> new long[2]);
        sum[0] += m.succeeded();
        sum[1] += m.failed();
      }
    }
    List<ThroughputMinute> minutes = new ArrayList<>();
    sums.forEach((minute, sum) -> minutes.add(new ThroughputMinute(minute, sum[0], sum[1])));
    return minutes;
  }

  @Override
  public JobPage jobs(JobFilter filter, String cursor, int limit) {
    // Cut short in Redis: the list shows 200 characters of arguments and of the last error, and a
    // page of jobs with 512 KiB of arguments each would otherwise read 25 MB every refresh.
    StatusPage page = query(filter).clipped(Documents.ARGS_PREVIEW_CHARS).limit(limit).page(cursor);
    return new JobPage(page.statuses(), page.next());
  }

  @Override
  public StatusCount countJobs(JobFilter filter, Duration within, String cursor) {
    return query(filter).countFor(within, cursor);
  }

  private StatusQuery query(JobFilter filter) {
    StatusQuery q = spool.statuses().all();
    if (filter.queue() != null) {
      q = q.queue(filter.queue());
    }
    if (!filter.states().isEmpty()) {
      q = q.where(filter.states().toArray(State[]::new));
    }
    if (!filter.names().isEmpty()) {
      q = q.jobName(filter.names().toArray(String[]::new));
    }
    if (!filter.args().isEmpty()) {
      q = q.jobArg(filter.args().toArray(String[]::new));
    }
    if (!filter.batches().isEmpty()) {
      q = q.batch(filter.batches().toArray(String[]::new));
    }
    if (filter.timestamp() != null) {
      q = q.between(filter.timestamp(), filter.from(), filter.to());
    }
    return q;
  }

  @Override
  public Optional<JobStatus> job(JobId id) {
    return spool.statuses().find(id);
  }

  @Override
  public JobLogPage log(JobId id, long from, int maxLines) {
    return spool.statuses().log(id, from, maxLines);
  }

  @Override
  public JobLogPage logTail(JobId id, int maxLines) {
    return spool.statuses().logTail(id, maxLines);
  }

  @Override
  public boolean retry(JobId id) {
    return spool.deadJobs().retry(id);
  }

  @Override
  public boolean kill(JobId id) {
    Optional<JobStatus> s = job(id);
    if (s.isEmpty() || s.get().isCompleted() || s.get().state() == State.KILLED) {
      return false;
    }
    s.get().requestKill();
    return true;
  }

  @Override
  public boolean cancel(JobId id) {
    return spool.cancel(id);
  }

  @Override
  public boolean delete(JobId id) {
    Optional<JobStatus> s = job(id);
    if (s.isEmpty()) {
      return false;
    }
    try {
      if (s.get().state() == State.KILLED) {
        // Killed is in jobba's incomplete group, yet the job has ended: nothing runs it any more.
        s.get().forceDelete();
      } else {
        s.get().delete();
      }
      return true;
    } catch (StatusIncompleteException e) {
      return false;
    }
  }

  @Override
  public boolean killListed(JobStatus listed) {
    switch (listed.state()) {
      case QUEUED, SCHEDULED -> {
        // Killed at once, as a kill request would kill it, but without the request's read of the
        // whole status after it. One that started meanwhile is asked to stop below.
        if (spool.cancel(listed.id())) {
          return true;
        }
      }
      case UNQUEUED, STARTED -> {}
      default -> {
        return false;
      }
    }
    try {
      // Reads the status again, whole: JobStatus.requestKill reloads it.
      return listed.requestKill().isKillRequested();
    } catch (SpoolException e) {
      if (e.getClass() != SpoolException.class) {
        throw e; // Redis unreachable, out of memory, …: not this job's doing
      }
      return false; // deleted since the list was read
    }
  }

  @Override
  public boolean deleteListed(JobStatus listed) {
    try {
      switch (listed.state()) {
        // Killed is in jobba's incomplete group, yet the job has ended: nothing runs it any more.
        case KILLED -> listed.forceDelete();
        case SUCCEEDED, FAILED -> listed.delete(); // refused in Redis if it is not ended any more
        default -> {
          return false;
        }
      }
      return true;
    } catch (StatusIncompleteException e) {
      return false;
    }
  }

  @Override
  public DeadPage deadPage(List<String> queues, String cursor, int limit) {
    // Cut in Redis: a page of jobs with large arguments costs the page (the list shows a preview).
    return spool.deadJobs().page(queues, cursor, limit, Documents.ARGS_PREVIEW_CHARS);
  }

  @Override
  public long retryAllDead(String queue) {
    return spool.deadJobs().retryAll(queue);
  }

  @Override
  public long purgeDead(String queue) {
    return spool.deadJobs().purge(queue);
  }

  @Override
  public List<RecurringJob> recurringJobs() {
    return spool.recurringJobs();
  }

  @Override
  public boolean triggerRecurring(String name) {
    return spool.triggerRecurring(name);
  }

  @Override
  public boolean runNow(JobId id) {
    return spool.runNow(id);
  }

  @Override
  public boolean cancelRecurring(String name) {
    return spool.cancelRecurring(name);
  }

  @Override
  public Optional<BatchProgress> batch(String batchId) {
    Batch batch = spool.batch(batchId);
    BatchProgress p = batch.progress();
    // An unknown batch reads as an empty one.
    return p.total() == 0 && !p.finished() ? Optional.empty() : Optional.of(p);
  }

  @Override
  public Optional<DistributedProgress> distributedJob(String token) {
    DistributedJob dj = spool.distributedJob(token);
    long total = dj.total();
    if (total == 0) {
      return Optional.empty();
    }
    List<String> open;
    try (var parts = dj.openParts()) {
      open = parts.limit(OPEN_PARTS_SHOWN).toList();
    }
    return Optional.of(
        new DistributedProgress(token, dj.count(), total, dj.isFinished(), dj.isStopped(), open));
  }

  /** Whether a timestamp can bound a query (kill requests are not indexed). */
  static boolean queryable(Timestamp t) {
    return t != Timestamp.KILL_REQUESTED_AT;
  }
}
