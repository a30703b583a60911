package dev.spool.internal.queue;

import dev.spool.DeadJob;
import dev.spool.EnqueueNotReplicatedException;
import dev.spool.JobId;
import dev.spool.QueueCounts;
import dev.spool.QueueSettings;
import dev.spool.Queues;
import dev.spool.RateLimit;
import dev.spool.Retry;
import dev.spool.SpoolConnectionException;
import dev.spool.UniqueJobConflictException;
import dev.spool.internal.Micros;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Keys.QueueKeys;
import dev.spool.internal.redis.NotReplicatedException;
import dev.spool.internal.redis.QueueShards;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import dev.spool.internal.redis.ScriptCalls;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link JobStore} on Redis: each method one Lua script or one command. */
public final class RedisJobStore implements JobStore {
  private static final Logger log = LoggerFactory.getLogger(RedisJobStore.class);

  /**
   * The internal job type that reports the end of a batch part to its batch when the end is seen in
   * another Cluster slot (a child batch finished; a part died when its lease expired). Every worker
   * node runs it, without a registered handler.
   */
  public static final String BATCH_PART_DONE = "spool.batch-part-done";

  /** Jobs one {@code route} call releases at most: a slice that keeps the call well under 5 ms. */
  public static final int ROUTE_SLICE = 100;

  /**
   * Ids one {@code drain} call takes off a queue at most: a slice whose work (ending each job as
   * killed, 17 to 25 µs a job) keeps a call to a few ms (2 to 3 ms measured), whatever the queue
   * holds. (500 took 9 to 20 ms a call, stalling every other client meanwhile.)
   */
  public static final int DRAIN_SLICE = 150;

  /**
   * Dead jobs one {@code retry-dead} call of a retry of all takes at most: requeuing a dead job
   * (archiving its attempt, its indexes, its lock) costs 50 to 85 µs, so a call takes a few ms
   * (about 2.5 ms measured). (1 000 took 50 to 110 ms a call.)
   */
  public static final int RETRY_DEAD_SLICE = 50;

  /**
   * Dead jobs one {@code purge-dead} call deletes at most: 13 to 15 µs a job (status and index
   * entries), so a call takes a few ms (about 3.5 ms measured). (1 000 took 11 to 18 ms a call.)
   */
  public static final int PURGE_DEAD_SLICE = 200;

  /**
   * Names of each kind one {@code drain} call visits at most: park lists (a per-key limit has a
   * list per key), and the lists of pinned and of avoided nodes.
   */
  public static final int DRAIN_PARK_LISTS = 100;

  private final RedisConnection redis;
  private final Keys keys;
  private final long expirySeconds;
  private final long deadMaxSize;
  private final long deadMaxAgeMs;
  private final boolean keepSucceeded;

  /** When (nanos) this process last listed each queue it used; see {@link #registerQueue}. */
  private final Map<String, Long> listedAt = new ConcurrentHashMap<>();

  public RedisJobStore(
      RedisConnection redis,
      Keys keys,
      Duration retention,
      long deadMaxSize,
      Duration deadMaxAge,
      boolean keepSucceeded) {
    this.redis = redis;
    this.keepSucceeded = keepSucceeded;
    this.keys = keys;
    this.expirySeconds = expirySeconds(retention);
    this.deadMaxSize = deadMaxSize;
    this.deadMaxAgeMs = deadMaxAge.toMillis();
  }

  /**
   * How long Redis keeps a finished status: the retention plus a grace period (as long again,
   * between an hour and a day), so that the Pruner, which deletes it with its index entries at the
   * retention and runs at least every minute, comes first unless no node has pruned the queue for
   * that long; the expiry bounds the statuses' memory even if no Pruner runs. A status that expires
   * first leaves its label index entries (job name, arguments, batch: a few bytes each), which only
   * its fields name: at least an hour, so that a deploy or an outage of all the nodes of a short
   * retention does not leave them.
   */
  public static long expirySeconds(Duration retention) {
    long r = Math.max(1, retention.toSeconds());
    return r + Math.clamp(r, Duration.ofHours(1).toSeconds(), Duration.ofDays(1).toSeconds());
  }

  public long expirySeconds() {
    return expirySeconds;
  }

  public RedisConnection redis() {
    return redis;
  }

  public Keys keys() {
    return keys;
  }

  @Override
  public CompletableFuture<long[]> enqueue(
      String queue, List<NewJob> jobs, long nowMicros, ScriptCalls via) {
    QueueKeys q = keys.queue(queue);
    // The chunk's distinct templates in first-use order (equal ones sent once: jobs enqueued with
    // equal options share one even if each came with its own options object). Most chunks have
    // one template object: the map, which hashes a template's every field, is made only for a
    // second one.
    Map<JobTemplate, Integer> numbers = null;
    List<JobTemplate> templates = new ArrayList<>(2);
    int[] templateOf = new int[jobs.size()];
    int perJob = 0;
    JobTemplate previous = null;
    int previousIndex = 0;
    for (int j = 0; j < jobs.size(); j++) {
      JobTemplate t = jobs.get(j).template();
      if (t != previous) {
        if (templates.isEmpty()) {
          templates.add(t);
          previousIndex = 0;
        } else {
          if (numbers == null) {
            numbers = new HashMap<>();
            numbers.put(templates.getFirst(), 0);
          }
          previousIndex =
              numbers.computeIfAbsent(
                  t,
                  added -> {
                    templates.add(added);
                    return templates.size() - 1;
                  });
        }
        previous = t;
      }
      templateOf[j] = previousIndex;
      perJob +=
          2 + (t.unique() ? 1 : 0) + (t.batchTtlSeconds() > 0 ? 1 : 0) + (t.limited() ? 2 : 0);
    }
    String[] args = new String[5 + templates.size() * 12 + perJob];
    args[0] = q.jobPrefix();
    args[1] = Long.toString(nowMicros);
    args[2] = q.dueChannel();
    args[3] = Integer.toString(jobs.size());
    args[4] = Integer.toString(templates.size());
    int i = 5;
    for (JobTemplate t : templates) {
      Affinity a = t.affinity();
      args[i++] = t.type();
      args[i++] = Integer.toString(t.priority());
      args[i++] = t.dueMs() > 0 ? Long.toString(t.dueMs()) : "";
      args[i++] = t.options();
      args[i++] =
          !t.unique() ? "" : t.lockExpiryMs() > 0 ? Long.toString(t.lockExpiryMs()) : "later";
      args[i++] = t.batchTtlSeconds() > 0 ? Long.toString(t.batchTtlSeconds()) : "";
      args[i++] = a.node();
      args[i++] = a.strict() ? "1" : "";
      args[i++] = a.notNode();
      args[i++] = a.pinned() ? "1" : "";
      args[i++] = t.expiresAtMs() > 0 ? Long.toString(t.expiresAtMs()) : "";
      args[i++] = t.limited() ? "1" : "";
    }
    for (int j = 0; j < jobs.size(); j++) {
      NewJob job = jobs.get(j);
      args[i++] = templateNumber(templateOf[j] + 1);
      args[i++] = job.args();
      if (job.template().unique()) {
        args[i++] = job.lock();
      }
      if (job.template().batchTtlSeconds() > 0) {
        args[i++] = job.batchPart();
      }
      if (job.template().limited()) {
        args[i++] = job.concurrencyLimit();
        args[i++] = job.rateLimit();
      }
    }
    String[] k = {q.seq(), q.ready(), q.prio(), q.delayed(), q.signal()};
    CompletableFuture<List<Object>> answer =
        via.eval(Script.ENQUEUE, ScriptOutputType.MULTI, k, args);
    return answer
        .exceptionally(error -> notReplicated(queue, jobs.size(), error))
        .thenApply(RedisJobStore::longs);
  }

  private static final String[] SMALL_NUMBERS = {"0", "1", "2", "3", "4", "5", "6", "7", "8"};

  private static String templateNumber(int n) {
    return n < SMALL_NUMBERS.length ? SMALL_NUMBERS[n] : Integer.toString(n);
  }

  /**
   * An enqueue that ran on the master but was not confirmed by enough replicas becomes an {@link
   * EnqueueNotReplicatedException} naming the jobs it queued; any other failure stays as it is.
   */
  @SuppressWarnings("unchecked")
  private static List<Object> notReplicated(String queue, int jobs, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (!(cause instanceof NotReplicatedException unconfirmed)) {
      throw error instanceof CompletionException c ? c : new CompletionException(error);
    }
    List<JobId> queued = new ArrayList<>();
    for (long number : longs((List<Object>) unconfirmed.result())) {
      if (number > 0) { // a negative number is the job holding a unique lock: not queued now
        queued.add(new JobId(queue, number));
      }
    }
    throw new EnqueueNotReplicatedException(
        unconfirmed.getMessage()
            + ": %d job(s) queued on queue '%s' %s, and run unless the master fails before a"
                .formatted(queued.size(), queue, queued)
            + " replica has them (check before enqueuing again)",
        queue,
        jobs,
        queued,
        unconfirmed);
  }

  @Override
  public FetchedJobs fetchJobs(
      String queue, String node, long nowMicros, long leaseMs, int max, String receipt) {
    QueueKeys q = keys.queue(queue);
    String[] k = {q.ready(), q.prio(), q.active(), q.signal(), q.delayed(), q.dead(), q.paused()};
    // The fetcher waits for its jobs at once: on its own thread, where it can be.
    List<Object> out =
        redis.await(
            redis.<List<Object>>evalOnCallerThread(
                Script.FETCH,
                ScriptOutputType.MULTI,
                k,
                q.jobPrefix(),
                node,
                Long.toString(nowMicros),
                Long.toString(leaseMs),
                Integer.toString(max),
                Long.toString(expirySeconds),
                q.dueChannel(),
                BATCH_PART_DONE,
                receipt));
    List<FetchedJob> jobs = new ArrayList<>(out.size() / 9);
    for (int i = 0; i + 8 < out.size(); i += 9) {
      jobs.add(FetchedJob.parse(queue, out.subList(i, i + 9)));
    }
    // Nine entries a job, then 'more' when the call popped as many ids as it could.
    return new FetchedJobs(jobs, out.size() % 9 == 1);
  }

  @Override
  public CompletableFuture<Long> complete(
      String queue, String node, List<Success> successes, long nowMicros) {
    QueueKeys q = keys.queue(queue);
    String[] args = new String[5 + successes.size() * 4];
    args[0] = q.jobPrefix();
    args[1] = node;
    args[2] = Long.toString(nowMicros);
    args[3] = Long.toString(expirySeconds);
    args[4] = keepSucceeded ? "1" : "0";
    int i = 5;
    for (Success success : successes) {
      FetchedJob job = success.job();
      args[i++] = Long.toString(job.id().number());
      args[i++] = Integer.toString(job.attempt());
      args[i++] = Long.toString(job.recordedAtMicros());
      args[i++] = success.resultJson();
    }
    // On the acker's thread where it can be: the call is answered before the acker takes its next
    // batch, so the successes that gather meanwhile make that batch, and no hand-off to the event
    // loop and back is paid per batch.
    return redis.evalOnCallerThread(
        Script.COMPLETE,
        ScriptOutputType.INTEGER,
        new String[] {q.active(), q.completed(), q.throughput(Micros.minuteOf(nowMicros))},
        args);
  }

  @Override
  public CompletableFuture<FailureRecorded> fail(
      String queue, String node, Failure failure, String resultJson, long nowMicros) {
    QueueKeys q = keys.queue(queue);
    long nowMs = nowMicros / 1000;
    if (failure.postponed()) {
      return postpone(q, node, failure, nowMicros);
    }
    String[] k = {
      q.active(), q.delayed(), q.dead(), q.throughput(Micros.minuteOf(nowMicros)), q.failed()
    };
    return redis
        .<Long>eval(
            Script.FAIL,
            ScriptOutputType.INTEGER,
            k,
            q.jobPrefix(),
            node,
            Long.toString(failure.job().id().number()),
            Integer.toString(failure.job().attempt()),
            Long.toString(nowMicros),
            Long.toString(nowMs),
            failure.errorJson(),
            failure.killed() ? "killed" : failure.dead() ? "" : Long.toString(failure.retryAtMs()),
            Long.toString(deadMaxSize),
            Long.toString(nowMs - deadMaxAgeMs),
            q.dueChannel(),
            Long.toString(expirySeconds),
            resultJson,
            Long.toString(failure.job().recordedAtMicros()),
            BATCH_PART_DONE)
        .thenApply(FailureRecorded::ofFailScript);
  }

  /** An attempt whose handler asked to run later: delayed, with no attempt used (postpone.lua). */
  private CompletableFuture<FailureRecorded> postpone(
      QueueKeys q, String node, Failure postponed, long nowMicros) {
    FetchedJob job = postponed.job();
    return redis
        .<Long>eval(
            Script.POSTPONE,
            ScriptOutputType.INTEGER,
            new String[] {q.active(), q.delayed()},
            q.jobPrefix(),
            node,
            Long.toString(job.id().number()),
            Integer.toString(job.attempt()),
            Long.toString(job.recordedAtMicros()),
            Long.toString(nowMicros),
            Long.toString(nowMicros / 1000),
            Long.toString(postponed.retryAtMs()),
            q.dueChannel(),
            Long.toString(expirySeconds),
            BATCH_PART_DONE)
        .thenApply(FailureRecorded::ofPostponeScript);
  }

  @Override
  public CompletableFuture<HeartbeatReply> heartbeat(
      String queue, String node, long leaseMs, List<FetchedJob> held) {
    QueueKeys q = keys.queue(queue);
    String[] args = heldArgs(q.jobPrefix(), node, Long.toString(leaseMs), held);
    return redis
        .<List<Object>>eval(
            Script.HEARTBEAT, ScriptOutputType.MULTI, new String[] {q.active()}, args)
        .thenApply(
            r -> new HeartbeatReply(numbers((List<?>) r.get(0)), numbers((List<?>) r.get(1))));
  }

  /** Three arguments, then a triple per held job: number, attempt, recorded time (holdsAttempt). */
  private static String[] heldArgs(
      String prefix, String node, String third, List<FetchedJob> held) {
    String[] args = new String[3 + held.size() * 3];
    args[0] = prefix;
    args[1] = node;
    args[2] = third;
    int i = 3;
    for (FetchedJob job : held) {
      args[i++] = Long.toString(job.id().number());
      args[i++] = Integer.toString(job.attempt());
      args[i++] = Long.toString(job.recordedAtMicros());
    }
    return args;
  }

  private static List<Long> numbers(List<?> ids) {
    List<Long> out = new ArrayList<>(ids.size());
    for (Object id : ids) {
      out.add(parseLong(id));
    }
    return out;
  }

  @Override
  public Released release(
      String queue, String node, long nowMicros, List<FetchedJob> held, int maxHandBacks) {
    QueueKeys q = keys.queue(queue);
    // A job whose kill was requested ends killed instead: with its status's expiry, and the type
    // that reports a batch part's end. One handed back too often uses an attempt, counted against
    // the default policy when its options name none, as reap counts.
    String[] triples = heldArgs(q.jobPrefix(), node, Long.toString(nowMicros), held);
    String[] args = new String[triples.length + 4];
    System.arraycopy(triples, 0, args, 0, 3);
    args[3] = Long.toString(expirySeconds);
    args[4] = BATCH_PART_DONE;
    args[5] = Integer.toString(maxHandBacks);
    args[6] = Integer.toString(Retry.DEFAULT.attempts());
    System.arraycopy(triples, 3, args, 7, triples.length - 3);
    String[] k = {q.ready(), q.prio(), q.active(), q.signal()};
    List<Long> r =
        redis.await(redis.<List<Long>>eval(Script.RELEASE, ScriptOutputType.MULTI, k, args));
    return new Released(r.get(0), r.get(1), r.get(2), r.get(3));
  }

  @Override
  public Released reclaim(String queue, String node, String receipt, long nowMicros, long leaseMs) {
    QueueKeys q = keys.queue(queue);
    String[] k = {q.ready(), q.prio(), q.active(), q.signal()};
    List<Long> r =
        redis.await(
            redis.<List<Long>>eval(
                Script.RECLAIM,
                ScriptOutputType.MULTI,
                k,
                q.jobPrefix(),
                node,
                Long.toString(nowMicros),
                Long.toString(expirySeconds),
                BATCH_PART_DONE,
                receipt,
                Long.toString(leaseMs)));
    return new Released(r.get(0), r.get(1));
  }

  @Override
  public StageResult stage(String queue, long nowMicros, int max) {
    QueueKeys q = keys.queue(queue);
    String[] k = {q.delayed(), q.ready(), q.prio(), q.signal()};
    List<Object> r =
        redis.await(
            redis.<List<Object>>eval(
                Script.STAGE,
                ScriptOutputType.MULTI,
                k,
                q.jobPrefix(),
                Long.toString(nowMicros / 1000),
                Long.toString(nowMicros),
                Integer.toString(max),
                BATCH_PART_DONE));
    return new StageResult(parseLong(r.get(0)), parseLong(r.get(1)));
  }

  @Override
  public long[] reap(String queue, long nowMicros, int max, long maxSilenceMs) {
    return reap(queue, nowMicros, max, maxSilenceMs, 0);
  }

  @Override
  public long[] reap(String queue, long nowMicros, int max, long maxSilenceMs, long graceMs) {
    QueueKeys q = keys.queue(queue);
    String[] k = {q.active(), q.ready(), q.prio(), q.signal(), q.dead()};
    List<Object> r =
        redis.await(
            redis.<List<Object>>eval(
                Script.REAP,
                ScriptOutputType.MULTI,
                k,
                q.jobPrefix(),
                Long.toString(nowMicros / 1000),
                Long.toString(nowMicros),
                Integer.toString(max),
                Integer.toString(Retry.DEFAULT.attempts()),
                BATCH_PART_DONE,
                Long.toString(maxSilenceMs),
                Long.toString(expirySeconds),
                Long.toString(graceMs)));
    return new long[] {
      parseLong(r.get(0)), parseLong(r.get(1)), parseLong(r.get(2)), parseLong(r.get(3))
    };
  }

  /**
   * Configures a batch and pushes a slice of its parts; the last slice closes it. The first slice
   * ({@code leaseMs} > 0) lists the submit in the batch queue's {@code batch-submits} with a
   * deadline {@code leaseMs} from now on Redis's clock; a later one gives the deadline the submit
   * last saw ({@code seenDeadline}), and is refused if it is no longer listed.
   *
   * @return the submit's deadline (ms), or -1 if a worker node took the submit over (nothing
   *     written)
   */
  public long batchOpen(
      String queue,
      String token,
      long ttlSeconds,
      boolean close,
      long leaseMs,
      long seenDeadline,
      List<String> config,
      List<String> parts) {
    QueueKeys q = keys.queue(queue);
    var b = q.batch(token);
    String[] args = new String[6 + config.size() + parts.size()];
    args[0] = Long.toString(ttlSeconds);
    args[1] = close ? "1" : "0";
    args[2] = leaseMs > 0 ? Long.toString(leaseMs) : "";
    args[3] = token;
    args[4] = leaseMs > 0 ? "" : Long.toString(seenDeadline);
    args[5] = Integer.toString(config.size() / 2);
    int i = 6;
    for (String c : config) {
      args[i++] = c;
    }
    for (String p : parts) {
      args[i++] = p;
    }
    return redis.<Long>await(
        redis.eval(
            Script.BATCH_OPEN,
            ScriptOutputType.INTEGER,
            new String[] {b.parts(), b.state(), q.batchSubmits()},
            args));
  }

  /** Moves a batch submit's deadline to {@code leaseMs} from now; 0 if it was taken over. */
  public long batchSubmitRenew(String queue, String token, String seen, long leaseMs) {
    return redis.<Long>await(
        batchSubmit(queue, ScriptOutputType.INTEGER, "renew", token, seen, Long.toString(leaseMs)));
  }

  /**
   * A batch submit's deadline as listed, or null if it is not (ended, or settled): what a submit
   * whose renewal went unanswered reads to learn whether that renewal moved it.
   */
  public Double batchSubmitDeadline(String queue, String token) {
    return redis.awaitOrIfWrongType(
        redis.async().zscore(keys.queue(queue).batchSubmits(), token), null);
  }

  /** Ends a batch submit (its own, or a settled one); false if another has it now. */
  public boolean batchSubmitEnd(String queue, String token, String seen) {
    return redis.<Long>await(batchSubmit(queue, ScriptOutputType.INTEGER, "end", token, seen)) == 1;
  }

  /**
   * A batch submit whose deadline passed, claimed by this caller (its batch closed if it was not),
   * or null if none is due on this queue.
   *
   * @param deadline the claim's deadline as listed, for {@link #batchSubmitEnd} and {@link
   *     #batchSubmitAgain}
   * @param partQueues the physical queues its parts were sent to (empty for a batch of an older
   *     version, or one expired)
   * @param cursor where an earlier settle of it stopped ("0" to start)
   */
  public record StalledSubmit(
      String token, String deadline, List<String> partQueues, long ttlSeconds, String cursor) {}

  /** Claims the first batch submit of this queue whose deadline passed, for {@code claimMs}. */
  public StalledSubmit batchSubmitClaim(String queue, long claimMs) {
    List<Object> r =
        redis.await(batchSubmit(queue, ScriptOutputType.MULTI, "claim", Long.toString(claimMs)));
    if (r.isEmpty()) {
      return null;
    }
    String sq = (String) r.get(2);
    long ttl;
    try {
      ttl = Long.parseLong((String) r.get(3));
    } catch (NumberFormatException e) {
      ttl = 604_800; // the batches' default: a ttl written behind Spool's back
    }
    String cursor = (String) r.get(4);
    return new StalledSubmit(
        (String) r.get(0),
        (String) r.get(1),
        sq.isEmpty() ? List.of() : List.of(sq.split(",")),
        ttl,
        cursor.isEmpty() ? "0" : cursor);
  }

  /** A claimed submit with more to settle is due again at once, from {@code cursor}. */
  public boolean batchSubmitAgain(String queue, String token, String seen, String cursor) {
    return redis.<Long>await(
            batchSubmit(queue, ScriptOutputType.INTEGER, "again", token, seen, cursor))
        == 1;
  }

  private <T> CompletableFuture<T> batchSubmit(
      String queue, ScriptOutputType type, String... args) {
    return redis.eval(
        Script.BATCH_SUBMIT, type, new String[] {keys.queue(queue).batchSubmits()}, args);
  }

  /**
   * Records that one batch part has run to an end; creates the batch's callbacks when it was the
   * last. Idempotent per part.
   *
   * @param batchPart {@code "<queue>|<token>|<part>"}
   */
  public void batchDone(String batchPart, boolean succeeded, long nowMicros) {
    redis.await(batchDone(List.of(batchPart), List.of(succeeded), nowMicros));
  }

  /** Records parts of one batch as ended without running (failed), in one script call. */
  public void batchPartsFailed(List<String> batchParts, long nowMicros) {
    redis.await(batchDone(batchParts, Collections.nCopies(batchParts.size(), false), nowMicros));
  }

  /**
   * As {@link #batchDone(String, boolean, long)} for parts of one batch, in one script call.
   *
   * @param batchParts {@code "<queue>|<token>|<part>"}, all of the same queue and token
   */
  @Override
  public CompletableFuture<Long> batchDone(
      List<String> batchParts, List<Boolean> succeeded, long nowMicros) {
    String[] first = batchParts.getFirst().split("\\|", 3);
    QueueKeys q = keys.queue(first[0]);
    var b = q.batch(first[1]);
    String[] args = new String[3 + batchParts.size() * 2];
    args[0] = Long.toString(nowMicros);
    args[1] = q.prefix();
    args[2] = BATCH_PART_DONE;
    for (int i = 0; i < batchParts.size(); i++) {
      args[3 + 2 * i] = batchParts.get(i).split("\\|", 3)[2];
      args[4 + 2 * i] = succeeded.get(i) ? "ok" : "ko";
    }
    return redis.eval(
        Script.BATCH_DONE, ScriptOutputType.INTEGER, new String[] {b.parts(), b.state()}, args);
  }

  /**
   * Settles parts of a batch whose enqueue into these physical queues (a queue, or a sharded
   * queue's shards) may not have been answered: returns those of {@code parts} that none of them
   * made a job for, fenced off in each so that a call, should it still reach Redis, makes none
   * (batch-settle.lua). At most a slice of parts per call, as the caller gives them.
   */
  public List<String> batchSettle(
      List<String> physicalQueues, String token, long ttlSeconds, List<String> parts) {
    Set<String> made = new HashSet<>();
    for (String physical : physicalQueues) {
      QueueKeys q = keys.queue(physical);
      String[] args = new String[2 + parts.size()];
      args[0] = q.prefix();
      args[1] = Long.toString(ttlSeconds);
      for (int i = 0; i < parts.size(); i++) {
        args[2 + i] = parts.get(i);
      }
      List<String> missingHere =
          redis.await(
              redis.eval(
                  Script.BATCH_SETTLE,
                  ScriptOutputType.MULTI,
                  new String[] {q.batchParts(token)},
                  args));
      Set<String> missing = new HashSet<>(missingHere);
      for (String part : parts) {
        if (!missing.contains(part)) {
          made.add(part);
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String part : parts) {
      if (!made.contains(part)) {
        missing.add(part);
      }
    }
    return missing;
  }

  /** Drops the record of a batch's enqueued parts in these queues, once no settle can need it. */
  public void batchPartsForget(List<String> queues, String token) {
    List<CompletableFuture<Long>> calls = new ArrayList<>(queues.size());
    for (String queue : queues) {
      calls.add(redis.async().unlink(keys.queue(queue).batchParts(token)).toCompletableFuture());
    }
    calls.forEach(redis::await);
  }

  /** The state hash of a batch (empty if unknown or expired). */
  public java.util.Map<String, String> batchState(String queue, String token) {
    return redis.await(redis.async().hgetall(keys.queue(queue).batch(token).state()));
  }

  public long batchOpenParts(String queue, String token) {
    return redis.await(redis.async().scard(keys.queue(queue).batch(token).parts()));
  }

  public boolean batchStopped(String batchPart) {
    String[] ref = batchPart.split("\\|", 3);
    return "1"
        .equals(
            redis.await(redis.async().hget(keys.queue(ref[0]).batch(ref[1]).state(), "stopped")));
  }

  /** Stops a batch (batch-stop.lua); false if there is no such batch, which is left unwritten. */
  public boolean batchStop(String queue, String token) {
    Long stopped =
        redis.await(
            redis.<Long>eval(
                Script.BATCH_STOP,
                ScriptOutputType.INTEGER,
                new String[] {keys.queue(queue).batch(token).state()}));
    return stopped == 1;
  }

  /** The nodes that have jobs pinned to them in a queue. */
  public java.util.Set<String> pinnedNodes(String queue) {
    return redis.await(redis.async().smembers(keys.queue(queue).pinned()));
  }

  /**
   * The names among {@code nodes} whose pinned jobs are all strict (none preferring the node, some
   * only it may run): routing has nothing to move for them, nor a name to drop. Two LLENs a name,
   * all in one round trip: a dead node's strict jobs keep its name pinned until it returns, and a
   * script call for each such name at every pass grew with them.
   */
  public Set<String> strictOnly(String queue, Collection<String> nodes) {
    QueueKeys q = keys.queue(queue);
    List<String> names = List.copyOf(nodes);
    List<CompletableFuture<Long>> lengths = new ArrayList<>(names.size() * 2);
    for (String node : names) {
      lengths.add(redis.async().llen(q.readyPreferring(node)).toCompletableFuture());
      lengths.add(redis.async().llen(q.readyOf(node)).toCompletableFuture());
    }
    Set<String> out = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      // A list of another type (garbage) fails its LLEN: routed, whose script sets it aside.
      Long preferring = redis.awaitOrIfWrongType(lengths.get(2 * i), -1L);
      Long strict = redis.awaitOrIfWrongType(lengths.get(2 * i + 1), -1L);
      if (preferring == 0 && strict > 0) {
        out.add(names.get(i));
      }
    }
    return out;
  }

  /**
   * Lets any node take the non-strict jobs pinned to a node, in up to {@code maxSlices} script
   * calls of {@link #ROUTE_SLICE} jobs (each call is short, whatever the node's lists hold; the
   * calls together are bounded too, though enqueuers may add jobs as fast as they are moved);
   * returns how many moved: {@code maxSlices × ROUTE_SLICE} when more may be left. {@code
   * nowMicros}: the time of death of a job whose move fails (it goes to the dead set).
   */
  public long route(String queue, String node, int maxSlices, long nowMicros) {
    long total = 0;
    for (int i = 0; i < maxSlices; i++) {
      long moved = routeSlice(queue, node, nowMicros);
      total += moved;
      if (moved < ROUTE_SLICE) {
        break;
      }
    }
    return total;
  }

  /** One call of {@link #route}: releases up to {@link #ROUTE_SLICE} jobs; returns how many. */
  public long routeSlice(String queue, String node, long nowMicros) {
    QueueKeys q = keys.queue(queue);
    return redis.<Long>await(
        redis.eval(
            Script.ROUTE,
            ScriptOutputType.INTEGER,
            new String[] {q.readyPreferring(node), q.readyOf(node), q.pinned()},
            q.jobPrefix(),
            node,
            Integer.toString(ROUTE_SLICE),
            Long.toString(nowMicros)));
  }

  /** The jobs a node holds now, over every queue (for monitoring: reads each active set). */
  public List<JobId> heldBy(String node) {
    return held().getOrDefault(node, List.of());
  }

  /**
   * The jobs held now (leased), by the node that holds them: every queue's leases in one pipelined
   * round trip, then their holders in another, however many nodes ask.
   */
  public Map<String, List<JobId>> held() {
    RedisClusterAsyncCommands<String, String> r = redis.async();
    List<String> queues = queues();
    List<RedisFuture<List<String>>> leases = new ArrayList<>(queues.size());
    for (String queue : queues) {
      leases.add(r.zrange(keys.queue(queue).active(), 0, -1));
    }
    List<JobId> ids = new ArrayList<>();
    List<RedisFuture<String>> holders = new ArrayList<>();
    for (int i = 0; i < queues.size(); i++) {
      QueueKeys q = keys.queue(queues.get(i));
      for (String member : redis.awaitOrIfWrongType(leases.get(i), List.<String>of())) {
        long number = JobNumbers.parse(member);
        if (number > 0) {
          ids.add(new JobId(queues.get(i), number));
          holders.add(r.hget(q.job(number), "w"));
        }
      }
    }
    Map<String, List<JobId>> byNode = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      String node = redis.awaitOrIfWrongType(holders.get(i), null);
      if (node != null) {
        byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(ids.get(i));
      }
    }
    return byNode;
  }

  @Override
  public int cancel(JobId id, long nowMicros) {
    QueueKeys q = keys.queue(id.queue());
    String[] k = {q.ready(), q.prio(), q.delayed()};
    Long r =
        redis.await(
            redis.eval(
                Script.CANCEL,
                ScriptOutputType.INTEGER,
                k,
                q.jobPrefix(),
                Long.toString(id.number()),
                Long.toString(nowMicros),
                Long.toString(expirySeconds),
                BATCH_PART_DONE));
    return r.intValue();
  }

  /**
   * One call of a queue's drain: ends up to {@link #DRAIN_SLICE} waiting jobs of one queue (or
   * shard) as killed, visiting at most {@link #DRAIN_PARK_LISTS} lists of each kind. Returns {jobs
   * drained, ids taken off the queue's structures (at most {@link #DRAIN_SLICE}), 1 if more may be
   * left}.
   */
  public long[] drainSlice(String queue, long nowMicros, boolean withScheduled) {
    QueueKeys q = keys.queue(queue);
    String[] k = {q.ready(), q.prio(), q.pinned(), q.avoided(), q.parks(), q.parked(), q.delayed()};
    List<Long> r =
        redis.await(
            redis.<List<Long>>eval(
                Script.DRAIN,
                ScriptOutputType.MULTI,
                k,
                q.jobPrefix(),
                Long.toString(nowMicros),
                Long.toString(expirySeconds),
                BATCH_PART_DONE,
                Integer.toString(DRAIN_SLICE),
                Integer.toString(DRAIN_PARK_LISTS),
                withScheduled ? "1" : "0"));
    return new long[] {r.get(0), r.get(1), r.get(2)};
  }

  /** Makes a delayed job ready now: 1 done, 0 no such job, -1 not waiting. */
  public int promote(JobId id, long nowMicros) {
    QueueKeys q = keys.queue(id.queue());
    Long r =
        redis.await(
            redis.eval(
                Script.PROMOTE,
                ScriptOutputType.INTEGER,
                new String[] {q.delayed()},
                q.jobPrefix(),
                Long.toString(id.number()),
                Long.toString(nowMicros)));
    return r.intValue();
  }

  /**
   * Adds a queue to the namespace's list of queues, once per process. On a Cluster that list has a
   * slot of its own: a master holding it that does not answer (hung, or dead until its replica
   * takes over) must not stop enqueues and workers of queues whose own slots serve. The failure is
   * warned of once per queue and the listing tried again after {@link #RELIST_AFTER_NANOS} (not at
   * every call, each of which would wait for a master that hangs); a worker's heartbeat lists its
   * queues too. On one server the queue's own keys are there as well: the failure is thrown. Listed
   * again after {@link #RELIST_EVERY_NANOS}: a queue forgotten ({@link #unlistQueue}) while a
   * process still used it is listed again by that process, not left out for good.
   */
  @Override
  public void registerQueue(String queue) {
    Long listed = listedAt.get(queue);
    if (listed != null && System.nanoTime() - listed < RELIST_EVERY_NANOS) {
      return;
    }
    Long retryAt = unlisted.get(queue);
    if (retryAt != null && System.nanoTime() - retryAt < 0) {
      return; // listing failed a moment ago
    }
    try {
      redis.awaitSettingAsideWrongType(
          keys.queues(), () -> redis.async().sadd(keys.queues(), queue));
    } catch (SpoolConnectionException e) {
      if (!redis.isCluster()) {
        throw e;
      }
      if (unlisted.put(queue, System.nanoTime() + RELIST_AFTER_NANOS) == null) {
        log.warn(
            "queue {} could not be added to the list of queues ({}); its jobs go on, and it is"
                + " listed once that list's Cluster node serves again",
            queue,
            e.getMessage());
      }
      return;
    }
    unlisted.remove(queue);
    listedAt.put(queue, System.nanoTime());
  }

  /** How long this process trusts that a queue it listed is still listed: 10 minutes. */
  private static final long RELIST_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

  /** Takes a queue (a shard, or a queue of one) off the list of queues; true if it was there. */
  public boolean unlistQueue(String queue) {
    listedAt.remove(queue);
    return redis.awaitOrIfWrongType(redis.async().srem(keys.queues(), queue), 0L) > 0;
  }

  /** How many recurring jobs the queue (a shard) defines; 0 if their key holds garbage. */
  public long recurringCount(String queue) {
    return redis.awaitOrIfWrongType(redis.async().hlen(keys.queue(queue).recurring()), 0L);
  }

  /** Queues whose listing failed on a Cluster, and when (nanos) to try again. */
  private final Map<String, Long> unlisted = new ConcurrentHashMap<>();

  private static final long RELIST_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  @Override
  public void relistQueues(List<String> queues) {
    if (!queues.isEmpty()) {
      // A failure waits for the next beat; a list of another type is set aside by the next
      // registerQueue, as it is for every process.
      redis.async().sadd(keys.queues(), queues.toArray(String[]::new));
    }
  }

  @Override
  public QueueShards shards() {
    return keys.shards();
  }

  @Override
  public List<String> queues() {
    // Of another type (garbage): no queue is listed until a registration sets it aside. A member
    // that is no queue name was not written by Spool (only valid names are registered): it is
    // left out, so that every view over all queues still works (it made each of them throw).
    // Read whole: one member per queue name in use, never per job.
    return redis
        .awaitOrIfWrongType(redis.async().smembers(keys.queues()), Set.<String>of())
        .stream()
        .filter(Queues::isValid)
        .sorted()
        .toList();
  }

  /** Pauses the queue; true if it was not paused before. */
  public boolean pause(String queue, long nowMs) {
    registerQueue(queue);
    return "OK"
        .equals(
            redis.await(
                redis
                    .async()
                    .set(keys.queue(queue).paused(), Long.toString(nowMs), SetArgs.Builder.nx())));
  }

  /** Resumes the queue and wakes the nodes waiting for its jobs; true if it was paused. */
  public boolean resume(String queue) {
    QueueKeys q = keys.queue(queue);
    String[] k = {q.paused(), q.signal(), q.pinned()};
    return redis.<Long>await(redis.eval(Script.QUEUE_RESUME, ScriptOutputType.INTEGER, k)) == 1;
  }

  /**
   * Sets or removes the queue's own limits: {@code concurrency} and {@code rate} as stored ({@code
   * "<max>"}, {@code "<max>|<per ms>"}), "" to keep one, "-" to remove it.
   */
  public void setLimits(String queue, String concurrency, String rate) {
    registerQueue(queue);
    QueueKeys q = keys.queue(queue);
    String[] k = {q.concurrencyLimit(), q.rateLimit(), q.signal()};
    redis.await(redis.eval(Script.QUEUE_LIMIT, ScriptOutputType.INTEGER, k, concurrency, rate));
  }

  /** The queue's own limits as stored: {concurrency, rate}, each null if none. */
  /**
   * A queue's pause and limits as its first shard holds them (each shard holds its part of a
   * limit), sent at once: many queues' settings pipelined cost one round trip.
   */
  public CompletableFuture<QueueSettings> settingsAsync(String queue) {
    QueueKeys q = keys.queue(shards().physical(queue).getFirst());
    CompletableFuture<Long> paused = redis.async().exists(q.paused()).toCompletableFuture();
    CompletableFuture<List<KeyValue<String, String>>> limits =
        redis.async().mget(q.concurrencyLimit(), q.rateLimit()).toCompletableFuture();
    return paused.thenCombine(
        limits,
        (p, l) ->
            new QueueSettings(
                queue,
                p == 1,
                storedConcurrency(l.get(0).getValueOrElse(null)),
                storedRate(l.get(1).getValueOrElse(null))));
  }

  /**
   * A concurrency limit as fetch reads it: an integer (0 or below, written by hand, lets no job
   * start, and reads so); anything else is no limit.
   */
  private static OptionalInt storedConcurrency(String stored) {
    if (stored == null || !stored.matches("-?\\d{1,9}")) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(stored));
  }

  /**
   * A rate limit as fetch reads it: "max|millis" within {@link RateLimit}'s bounds, no leading
   * zeros; anything else (written by hand) is no limit, there as here.
   */
  private static Optional<RateLimit<Object>> storedRate(String stored) {
    if (stored == null || !stored.matches("[1-9]\\d{0,8}\\|[1-9]\\d{0,11}")) {
      return Optional.empty();
    }
    String[] parts = stored.split("\\|");
    try {
      return Optional.of(
          new RateLimit<>(
              Integer.parseInt(parts[0]), Duration.ofMillis(Long.parseLong(parts[1])), null));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // beyond 100 000 starts or a day's window: fetch ignores it too
    }
  }

  @Override
  public QueueCounts counts(String queue) {
    return redis.await(countsAsync(queue));
  }

  /** {@link #counts}, sent at once: many queues' counts pipelined cost one round trip. */
  public CompletableFuture<QueueCounts> countsAsync(String queue) {
    QueueKeys q = keys.queue(queue);
    String[] k = {
      q.ready(), q.prio(), q.delayed(), q.active(), q.completed(), q.dead(), q.pinned(), q.avoided()
    };
    return redis
        .<List<Object>>eval(Script.COUNTS, ScriptOutputType.MULTI, k, q.prefix())
        .thenApply(
            r ->
                new QueueCounts(
                    queue,
                    parseLong(r.get(0)),
                    parseLong(r.get(1)),
                    parseLong(r.get(2)),
                    parseLong(r.get(3)),
                    parseLong(r.get(4)),
                    // -1 (no job ready) reads as zero; an older script's missing entry too
                    Duration.ofMillis(r.size() > 5 ? Math.max(0, parseLong(r.get(5))) : 0)));
  }

  @Override
  public List<DeadJob> dead(String queue, int offset, int limit) {
    return deadJobs(deadEntries(List.of(queue), List.of((long) offset), limit).getFirst());
  }

  @Override
  public List<List<DeadEntry>> deadEntries(List<String> queues, List<Long> positions, int count) {
    RedisClusterAsyncCommands<String, String> r = redis.async();
    List<RedisFuture<List<ScoredValue<String>>>> reads = new ArrayList<>(queues.size());
    for (int i = 0; i < queues.size(); i++) {
      long from = positions.get(i);
      reads.add(r.zrevrangeWithScores(keys.queue(queues.get(i)).dead(), from, from + count - 1));
    }
    List<List<DeadEntry>> out = new ArrayList<>(queues.size());
    for (int i = 0; i < queues.size(); i++) {
      List<DeadEntry> entries = new ArrayList<>();
      // A dead set of another type (garbage) lists nothing; the next death sets it aside.
      for (ScoredValue<String> member : redis.awaitOrIfWrongType(reads.get(i), List.of())) {
        long number = JobNumbers.parse(member.getValue());
        entries.add(
            new DeadEntry(
                queues.get(i),
                Math.max(number, 0),
                Instant.ofEpochMilli((long) member.getScore())));
      }
      out.add(entries);
    }
    return out;
  }

  /** Dead jobs read per call of dead-summaries: their arguments are cut, so many fit. */
  private static final int DEAD_SUMMARIES_PER_CALL = 100;

  @Override
  public List<DeadJob> deadJobs(List<DeadEntry> entries, int argsMaxChars) {
    if (argsMaxChars <= 0) {
      return deadJobs(entries);
    }
    // Cut in bytes: a character of UTF-8 takes at most 4, so argsMaxChars whole characters survive.
    String maxBytes = Long.toString(4L * argsMaxChars);
    List<DeadEntry> named = entries.stream().filter(e -> e.number() > 0).toList();
    // One call per run of ids of the same queue (one Cluster slot), all pipelined.
    List<CompletableFuture<List<Object>>> calls = new ArrayList<>();
    int from = 0;
    while (from < named.size()) {
      String queue = named.get(from).queue();
      List<String> k = new ArrayList<>();
      while (from < named.size()
          && k.size() < DEAD_SUMMARIES_PER_CALL
          && named.get(from).queue().equals(queue)) {
        k.add(keys.queue(queue).job(named.get(from++).number()));
      }
      calls.add(
          redis.eval(
              Script.DEAD_SUMMARIES, ScriptOutputType.MULTI, k.toArray(String[]::new), maxBytes));
    }
    List<DeadJob> jobs = new ArrayList<>(named.size());
    int i = 0;
    for (CompletableFuture<List<Object>> call : calls) {
      for (Object each : redis.<List<Object>>await(call)) {
        List<?> f = (List<?>) each;
        DeadEntry e = named.get(i++);
        jobs.add(
            new DeadJob(
                new JobId(e.queue(), e.number()),
                (String) f.get(0),
                (String) f.get(1),
                (String) f.get(2),
                (int) parseLong((String) f.get(3)), // a corrupt or missing attempt reads as 0
                e.diedAt()));
      }
    }
    return jobs;
  }

  @Override
  public List<DeadJob> deadJobs(List<DeadEntry> entries) {
    RedisClusterAsyncCommands<String, String> r = redis.async();
    List<DeadEntry> named = entries.stream().filter(e -> e.number() > 0).toList();
    List<RedisFuture<List<KeyValue<String, String>>>> hashes = new ArrayList<>(named.size());
    for (DeadEntry e : named) {
      hashes.add(r.hmget(keys.queue(e.queue()).job(e.number()), "t", "a", "e", "n"));
    }
    List<DeadJob> jobs = new ArrayList<>(named.size());
    for (int i = 0; i < named.size(); i++) {
      // A key of another type reads as empty fields.
      List<KeyValue<String, String>> h = redis.awaitOrIfWrongType(hashes.get(i), List.of());
      DeadEntry e = named.get(i);
      jobs.add(
          new DeadJob(
              new JobId(e.queue(), e.number()),
              field(h, 0),
              field(h, 1),
              field(h, 2),
              (int) parseLong(field(h, 3)), // a corrupt or missing attempt reads as 0
              e.diedAt()));
    }
    return jobs;
  }

  @Override
  public DeadRetry retryDead(
      String queue, List<String> members, long nowMicros, boolean killedToo) {
    if (members.isEmpty()) {
      return new DeadRetry(0, List.of());
    }
    QueueKeys q = keys.queue(queue);
    String[] args = new String[3 + members.size()];
    args[0] = q.jobPrefix();
    args[1] = Long.toString(nowMicros);
    args[2] = killedToo ? "1" : "";
    for (int i = 0; i < members.size(); i++) {
      args[3 + i] = members.get(i);
    }
    String[] k = {q.dead(), q.ready(), q.prio(), q.signal()};
    List<Object> r =
        redis.await(redis.<List<Object>>eval(Script.RETRY_DEAD, ScriptOutputType.MULTI, k, args));
    List<UniqueJobConflictException> held = new ArrayList<>();
    for (int i = 1; i + 2 < r.size(); i += 3) {
      held.add(
          new UniqueJobConflictException(
              (String) r.get(i + 2),
              new JobId(queue, Long.parseLong((String) r.get(i + 1))),
              new JobId(queue, Long.parseLong((String) r.get(i)))));
    }
    return new DeadRetry((Long) r.get(0), held);
  }

  /** The i-th of an HMGET's values, or null when absent (or the key was of another type). */
  private static String field(List<KeyValue<String, String>> values, int i) {
    return i < values.size() ? values.get(i).getValueOrElse(null) : null;
  }

  /** Members of the dead set as stored, oldest first, a slice at a time. */
  public List<String> deadMembers(String queue, long offset, long count) {
    return redis.awaitOrIfWrongType(
        redis.async().zrange(keys.queue(queue).dead(), offset, offset + count - 1), List.of());
  }

  /**
   * Deletes up to {@code max} dead jobs of a queue beyond its dead set's bounds (age, then size),
   * oldest first, with their statuses; returns how many went.
   */
  public long trimDead(String queue, long nowMs, int max) {
    QueueKeys q = keys.queue(queue);
    return redis.<Long>await(
        redis.eval(
            Script.TRIM_DEAD,
            ScriptOutputType.INTEGER,
            new String[] {q.dead()},
            q.jobPrefix(),
            Long.toString(deadMaxSize),
            Long.toString(nowMs - deadMaxAgeMs),
            Integer.toString(max)));
  }

  @Override
  public long purgeDead(String queue) {
    QueueKeys q = keys.queue(queue);
    long total = 0;
    long slice = PURGE_DEAD_SLICE;
    while (true) {
      Long n =
          redis.await(
              redis.<Long>eval(
                  Script.PURGE_DEAD,
                  ScriptOutputType.INTEGER,
                  new String[] {q.dead()},
                  q.jobPrefix(),
                  Long.toString(slice)));
      total += n;
      if (n < slice) {
        return total;
      }
    }
  }

  private static long[] longs(List<Object> values) {
    long[] out = new long[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = parseLong(values.get(i));
    }
    return out;
  }

  private static long parseLong(Object o) {
    if (o == null) {
      return 0;
    }
    if (o instanceof Long l) {
      return l;
    }
    String s = o.toString();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      try {
        return (long) Double.parseDouble(s); // scores may come back as "1.5e+12"
      } catch (NumberFormatException notANumber) {
        return 0; // a corrupt stored number must not fail a whole listing
      }
    }
  }
}
