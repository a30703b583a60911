package dev.spool.internal.queue;

import dev.spool.DeadJob;
import dev.spool.JobId;
import dev.spool.QueueCounts;
import dev.spool.internal.redis.QueueShards;
import dev.spool.internal.redis.ScriptCalls;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The port through which every job state change goes; each method is one atomic step in Redis (one
 * script or one command). Times are passed in by the caller, never read here.
 */
public interface JobStore {
  /**
   * Adds jobs to one queue; completes with their numbers in order, or minus the number of the job
   * holding the unique lock of a job that was not added. The call goes {@code via} the shared
   * connection, the caller's own thread, or a caller's pipeline (see {@link ScriptCalls}).
   */
  CompletableFuture<long[]> enqueue(
      String queue, List<NewJob> jobs, long nowMicros, ScriptCalls via);

  /**
   * Leases up to {@code max} ready jobs of a queue to a node for {@code leaseMs}, counted on
   * Redis's clock (never the caller's: a node whose clock drifts must not shorten or stretch
   * leases). Jobs whose stored fields are corrupt go to the dead set instead of being returned.
   */
  default List<FetchedJob> fetch(String queue, String node, long nowMicros, long leaseMs, int max) {
    return fetchJobs(queue, node, nowMicros, leaseMs, max).jobs();
  }

  /** As {@link #fetch}, also telling whether the queue may hold more ready jobs for the node. */
  default FetchedJobs fetchJobs(String queue, String node, long nowMicros, long leaseMs, int max) {
    return fetchJobs(queue, node, nowMicros, leaseMs, max, "");
  }

  /**
   * As {@link #fetchJobs(String, String, long, long, int)}, with a receipt ({@code "<node
   * instance>|<call number>"}, the numbers counting up; "" for none): the jobs the call leases are
   * kept under it for a lease, for {@link #reclaim} should its answer be lost. A call that runs
   * after its node reclaimed it, or after a later call of the node, leases nothing.
   */
  FetchedJobs fetchJobs(
      String queue, String node, long nowMicros, long leaseMs, int max, String receipt);

  /**
   * Hands back, without using an attempt, the jobs that the fetch call of this receipt leased and
   * the node never got (its answer lost), and makes sure that call leases nothing should it run
   * later. One whose kill was requested ends killed instead.
   */
  Released reclaim(String queue, String node, String receipt, long nowMicros, long leaseMs);

  /**
   * Records successes; completes with how many are recorded, counting those an earlier call for the
   * same attempt recorded already (a call that timed out here while Redis ran it later).
   */
  CompletableFuture<Long> complete(
      String queue, String node, List<Success> successes, long nowMicros);

  /**
   * Records one failed attempt: a retry or death, or a kill when the job's kill was requested while
   * the attempt ran. Completes with {@link FailureRecorded#NOT_HELD} if the lease was lost.
   */
  default CompletableFuture<FailureRecorded> fail(
      String queue, String node, Failure failure, long nowMicros) {
    return fail(queue, node, failure, "", nowMicros);
  }

  /**
   * As {@link #fail(String, String, Failure, long)}, keeping {@code resultJson} (what the handler
   * put, "" for nothing) as the job's result when the attempt ends it (dead or killed):
   * job_reactor's error feedback carries the values the node added, as its success feedback does.
   */
  CompletableFuture<FailureRecorded> fail(
      String queue, String node, Failure failure, String resultJson, long nowMicros);

  /**
   * Records that parts of one batch ran to an end ({@code "<queue>|<token>|<part>"} each), before
   * their outcomes are recorded; creates the batch's callbacks when the last part is among them.
   */
  CompletableFuture<Long> batchDone(
      List<String> batchParts, List<Boolean> succeeded, long nowMicros);

  /**
   * Renews for {@code leaseMs} (from Redis's clock) the leases a node still holds of the jobs it
   * fetched; completes with the leases it lost and the jobs with a kill request waiting.
   */
  CompletableFuture<HeartbeatReply> heartbeat(
      String queue, String node, long leaseMs, List<FetchedJob> held);

  /**
   * Hands jobs the node fetched and still holds back to the head of their queue; one whose kill was
   * requested ends killed instead, and one handed back {@code maxHandBacks} times already ends its
   * attempt as abandoned (attempt + 1, or the dead set), as an expired lease does.
   */
  Released release(
      String queue, String node, long nowMicros, List<FetchedJob> held, int maxHandBacks);

  StageResult stage(String queue, long nowMicros, int max);

  /**
   * Returns {requeued, dead, killed (their kill was requested), leases taken off}. A call that
   * comes more than {@code maxSilenceMs} after the queue's previous reap call only notes the time
   * and returns zeros: leases that expired while Redis stood still get the heartbeats queued
   * meanwhile first.
   */
  long[] reap(String queue, long nowMicros, int max, long maxSilenceMs);

  /**
   * As {@link #reap(String, long, int, long)}; after such a silence, calls only note the time for
   * {@code graceMs} more, so that live nodes whose heartbeats Redis refused meanwhile (a restart, a
   * failover, a long script) renew their leases at their next beat before anything is reaped.
   */
  long[] reap(String queue, long nowMicros, int max, long maxSilenceMs, long graceMs);

  /** {@link #reap(String, long, int, long)} that reaps whatever silence came before. */
  default long[] reap(String queue, long nowMicros, int max) {
    return reap(queue, nowMicros, max, Long.MAX_VALUE);
  }

  /** 1 cancelled, 0 unknown job, -1 running or finished. */
  int cancel(JobId id, long nowMicros);

  void registerQueue(String queue);

  /**
   * Lists these queues in the namespace's list again, without waiting for Redis: a node does it at
   * each heartbeat, so that the list comes back by itself after Redis lost its data.
   */
  void relistQueues(List<String> queues);

  /** The queues declared with several shards. */
  default QueueShards shards() {
    return QueueShards.NONE;
  }

  List<String> queues();

  QueueCounts counts(String queue);

  List<DeadJob> dead(String queue, int offset, int limit);

  /**
   * Per queue, the next {@code count} entries of its dead set from its position (0: the newest),
   * newest first, with their times of death but none of the jobs' fields: a page across queues is
   * picked from these, and only its jobs are read ({@link #deadJobs}). One pipelined round trip.
   */
  List<List<DeadEntry>> deadEntries(List<String> queues, List<Long> positions, int count);

  /** The dead jobs of these entries, in order (those that name no job left out). */
  List<DeadJob> deadJobs(List<DeadEntry> entries);

  /**
   * As {@link #deadJobs(List)}, each job's arguments cut in Redis after at least {@code
   * argsMaxChars} characters (0: whole).
   */
  List<DeadJob> deadJobs(List<DeadEntry> entries, int argsMaxChars);

  /**
   * Requeues these members of the dead set (job numbers as stored); a member that names no job is
   * taken off the set. A job whose unique lock another job holds stays dead. With {@code
   * killedToo}, a killed job (in no dead set) is requeued too, unless it is a batch part.
   */
  DeadRetry retryDead(String queue, List<String> members, long nowMicros, boolean killedToo);

  long purgeDead(String queue);
}
