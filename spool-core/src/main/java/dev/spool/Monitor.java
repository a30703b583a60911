package dev.spool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A read-mostly view of the queues, for operators, the CLI and dashboards. */
public interface Monitor {
  /** Every queue a job was ever enqueued to in this namespace, sorted by name. */
  List<String> queues();

  QueueCounts counts(String queue);

  /**
   * The counts of these queues (a sharded queue's summed over its shards), how many names the queue
   * set holds, and a version that grows with every enqueue, success and failed attempt: all in one
   * round trip, so a live page can poll it every second (and re-read {@link #queues()} only when
   * the number of names changes).
   */
  QueuesSnapshot snapshot(List<String> queues);

  /**
   * Whether each of these queues is paused, and its limits, in their order: one round trip for all
   * (as {@link QueueControl#isPaused}, {@link QueueControl#concurrencyLimit} and {@link
   * QueueControl#rateLimit} read them one queue at a time).
   */
  List<QueueSettings> settings(List<String> queues);

  /** {@link #snapshot(List)} of every queue: one round trip more, to list them. */
  default QueuesSnapshot snapshot() {
    return snapshot(queues());
  }

  /**
   * The last hour of a queue's work, minute by minute: 60 minutes, oldest first, the current minute
   * last. Kept in Redis by the scripts that finish jobs, so it holds every node's work; one round
   * trip.
   */
  default Throughput throughput(String queue) {
    return throughput(List.of(queue)).getFirst();
  }

  /** {@link #throughput(String)} of many queues, in their order, in one round trip. */
  List<Throughput> throughput(List<String> queues);

  /**
   * Every worker node that registered, live or dead, by name. Worker nodes forget the nodes dead
   * for longer than {@link #DEAD_NODES_KEPT} by themselves; see {@link #pruneNodes(Duration)}.
   */
  List<NodeInfo> nodes();

  /** How long a dead node stays listed by {@link #nodes()} before worker nodes forget it: 1 h. */
  Duration DEAD_NODES_KEPT = Duration.ofHours(1);

  /**
   * Forgets the nodes that are not alive and whose last heartbeat is older than {@code deadFor}
   * (zero: every dead node); returns their names. A live node is never touched.
   */
  List<String> pruneNodes(Duration deadFor);

  /**
   * Asks a live node to be quiet, as Sidekiq's quiet and JobRunr's paused server: within a
   * heartbeat (a quarter of its lease) it fetches no new jobs, runs those it holds to their end,
   * and stays up, its other duties (heartbeats, reaping, staging) going on. For a deploy, or to
   * take a machine out of service without stopping its process. It lasts until {@link #resumeNode}
   * or the node's restart. Returns false if no live node has the name.
   */
  boolean quietNode(String node);

  /** Lets a quiet node fetch again within a heartbeat; false if it was not asked to be quiet. */
  boolean resumeNode(String node);

  /** The jobs a node holds now. */
  List<JobId> jobsFor(String node);

  /**
   * The jobs every node holds now, by node name (a node that holds none is absent): two pipelined
   * round trips however many nodes there are, where {@link #jobsFor} once per node reads every
   * queue once per node.
   */
  Map<String, List<JobId>> jobsByNode();

  /** A job's status, if it exists. */
  Optional<JobStatus> load(JobId id);

  /**
   * Removes a job for good, whatever its state: a running one is interrupted (kill request) and its
   * outcome ignored. Returns false if there was no such job.
   */
  boolean destroy(JobId id);

  /** Destroys every job a node holds now; returns how many. */
  int destroyAllJobsFor(String node);

  /**
   * One line in the form {@code R=3.42K D=1.23K P=7/2.34K}: ready, delayed, processing now /
   * completed.
   */
  String statusString(String queue);
}
