package dev.spool.internal.queue;

import dev.spool.EnqueueCall;
import dev.spool.EnqueueOutcomeUnknownException;
import dev.spool.EnqueueResult;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobSpec;
import dev.spool.JobType;
import dev.spool.PartialEnqueueException;
import dev.spool.PayloadTooLargeException;
import dev.spool.RedisOutOfMemoryException;
import dev.spool.Retry;
import dev.spool.SpoolException;
import dev.spool.Unique;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.observe.Observers;
import dev.spool.internal.redis.CallerPipeline;
import dev.spool.internal.redis.QueueShards;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.ScriptCalls;
import dev.spool.internal.unique.LockSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Encodes jobs and hands them to the store in chunks: one script call per chunk, a few chunks in
 * flight at once, so that Redis runs one chunk while the next is encoded.
 */
public final class Enqueuer {
  /**
   * Jobs per enqueue script call. Small enough that Redis runs a chunk in well under a millisecond
   * and the client encodes the next one meanwhile; large enough that the per-call costs (one round
   * trip, the status index and bound writes per bucket) spread over many jobs.
   */
  public static final int CHUNK = 250;

  /** Chunks sent before waiting for the oldest one's answer. */
  static final int IN_FLIGHT = 4;

  private final JobStore store;
  private final RedisConnection redis;
  private final Clock clock;
  private final int maxPayloadBytes;
  private final Duration defaultLockTtl;
  private final Predicate<String> nodeAlive;
  private Observers observers = Observers.NONE;
  private Retry defaultRetry = Retry.DEFAULT;

  /** An enqueuer that takes every node for alive (jobs for a node wait in its list). */
  public Enqueuer(
      JobStore store, RedisConnection redis, Clock clock, int maxPayloadBytes, Duration lockTtl) {
    this(store, redis, clock, maxPayloadBytes, lockTtl, node -> true);
  }

  /**
   * @param nodeAlive whether a worker node is alive: a job for a node that is not, unless strict,
   *     is ready for any node at once
   */
  public Enqueuer(
      JobStore store,
      RedisConnection redis,
      Clock clock,
      int maxPayloadBytes,
      Duration lockTtl,
      Predicate<String> nodeAlive) {
    this.store = store;
    this.redis = redis;
    this.clock = clock;
    this.maxPayloadBytes = maxPayloadBytes;
    this.defaultLockTtl = lockTtl;
    this.nodeAlive = nodeAlive;
  }

  /**
   * Sets the retry policy of jobs whose options and type name none (job_reactor's global retrying
   * strategy); called once, before the enqueuer is shared.
   */
  public void defaultRetry(Retry retry) {
    this.defaultRetry = Objects.requireNonNull(retry, "retry");
  }

  /**
   * The options a job of this type is stored with when it is made without options of its own (a
   * batch's callbacks, made in Redis): its retry policy (see {@link #retryOf}) and timeout.
   */
  public String storedOptions(JobType<?> type) {
    return StoredOptions.of(retryOf(type, JobOptions.NONE), type.timeout().orElse(null)).toJson();
  }

  /**
   * The policy stored with a job: its options', else its type's, else this enqueuer's default if
   * one was set; null when none was named, and the node that runs the job applies its own (its
   * type's as registered there, else its Spool's default). A policy named, even {@link
   * Retry#DEFAULT}, is stored and followed by every node.
   */
  private Retry retryOf(JobType<?> type, JobOptions options) {
    return options
        .retry()
        .or(type::declaredRetry)
        .orElse(defaultRetry.equals(Retry.DEFAULT) ? null : defaultRetry);
  }

  /** Sets the listeners and interceptors; called once, before the enqueuer is shared. */
  public void observers(Observers observers) {
    this.observers = Objects.requireNonNull(observers, "observers");
  }

  /** The uniqueness that applies to jobs of this type with these options, or null. */
  public static Unique<?> uniqueOf(JobType<?> type, JobOptions options) {
    return options.unique().orElse(type.unique().orElse(null));
  }

  /**
   * Enqueues jobs of one type; each result says whether the job was accepted or which job holds its
   * unique lock.
   */
  public <A> List<EnqueueResult> enqueueAll(
      JobType<A> type, List<? extends A> args, JobOptions options) {
    return enqueueAll(type, args, options, null, 0, null);
  }

  /**
   * As {@link #enqueueAll(JobType, List, JobOptions)}, each job being the batch part at the same
   * index of {@code batchParts} ({@code "<queue>|<token>|<part>"}) of a batch whose keys live
   * {@code batchTtlSeconds}, when given, with the arguments already encoded by {@link
   * #encode(JobType, Object)} ({@code encoded}, at the same indexes; null to encode them here). A
   * part is enqueued at most once: a call sent again answers with the job made the first time.
   */
  public <A> List<EnqueueResult> enqueueAll(
      JobType<A> type,
      List<? extends A> args,
      JobOptions options,
      List<String> batchParts,
      long batchTtlSeconds,
      List<String> encoded) {
    String queue = options.queue().orElse(type.queue());
    List<EnqueueResult> results;
    if (observers.intercepting()) {
      EnqueueCall call = new EnqueueCall(queue, type.name(), args.size());
      results =
          observers.aroundEnqueue(
              call,
              () ->
                  enqueueAll(
                      queue,
                      type,
                      args,
                      options,
                      batchParts,
                      batchTtlSeconds,
                      encoded,
                      call.headers()));
    } else {
      results =
          enqueueAll(queue, type, args, options, batchParts, batchTtlSeconds, encoded, Map.of());
    }
    if (observers.listening()) {
      Map<String, Integer> accepted = new LinkedHashMap<>();
      for (EnqueueResult r : results) {
        if (r.accepted()) {
          accepted.merge(r.jobId().queue(), 1, Integer::sum);
        }
      }
      accepted.forEach((q, n) -> observers.enqueued(q, type.name(), n));
    }
    return results;
  }

  private <A> List<EnqueueResult> enqueueAll(
      String queue,
      JobType<A> type,
      List<? extends A> args,
      JobOptions options,
      List<String> batchParts,
      long batchTtlSeconds,
      List<String> encoded,
      Map<String, String> headers) {
    Template<A> template =
        template(type, options, batchParts == null ? 0 : batchTtlSeconds, clock.millis(), headers);
    if (store.shards().isSharded(queue)) {
      return enqueueSharded(template, args, batchParts, encoded);
    }
    registerQueue(queue);
    try (Json.Sequence json = new Json.Sequence()) {
      Sent sent = send(queue, args.size(), jobAt(template, args, batchParts, encoded, json), true);
      return sent.resultsOrThrow(queue);
    }
  }

  /**
   * The job at an index of the caller's list: its arguments, its batch part when given, and its
   * arguments' JSON when encoded already.
   */
  private static <A> IntFunction<NewJob> jobAt(
      Template<A> template,
      List<? extends A> args,
      List<String> batchParts,
      List<String> encoded,
      Json.Sequence json) {
    return i ->
        template.job(
            args.get(i),
            batchParts == null ? "" : batchParts.get(i),
            json,
            encoded == null ? null : encoded.get(i));
  }

  /**
   * Enqueues jobs each with its own type, arguments and options, on whichever queues they name: the
   * jobs of each queue in their order, in chunks. Results are in the order of {@code jobs}.
   */
  public List<EnqueueResult> enqueueEach(List<? extends JobSpec<?>> jobs) {
    List<EnqueueResult> results;
    if (observers.intercepting()) {
      EnqueueCall call = commonCall(jobs);
      results = observers.aroundEnqueue(call, () -> enqueueEach(jobs, call.headers()));
    } else {
      results = enqueueEach(jobs, Map.of());
    }
    if (observers.listening()) {
      reportEnqueued(jobs, results);
    }
    return results;
  }

  /** The call's queue and type when all its jobs share them, else null. */
  private static EnqueueCall commonCall(List<? extends JobSpec<?>> jobs) {
    String queue = null;
    String type = null;
    for (int i = 0; i < jobs.size(); i++) {
      JobSpec<?> job = jobs.get(i);
      String q = job.options().queue().orElse(job.type().queue());
      String t = job.type().name();
      queue = i == 0 || q.equals(queue) ? q : null;
      type = i == 0 || t.equals(type) ? t : null;
      if (i > 0 && queue == null && type == null) {
        break;
      }
    }
    return new EnqueueCall(queue, type, jobs.size());
  }

  /**
   * Tells the listeners how many jobs were accepted, per queue and type. The queue is the one each
   * job went to, a sharded queue's shard, as the worker's reports of its runs name it.
   */
  private void reportEnqueued(List<? extends JobSpec<?>> jobs, List<EnqueueResult> results) {
    Map<List<String>, Integer> accepted = new LinkedHashMap<>();
    for (int i = 0; i < jobs.size(); i++) {
      if (results.get(i).accepted()) {
        accepted.merge(
            List.of(results.get(i).jobId().queue(), jobs.get(i).type().name()), 1, Integer::sum);
      }
    }
    accepted.forEach((qt, n) -> observers.enqueued(qt.get(0), qt.get(1), n));
  }

  private List<EnqueueResult> enqueueEach(
      List<? extends JobSpec<?>> jobs, Map<String, String> headers) {
    long nowMs = clock.millis();
    // Jobs that share a type and an options object share a template, encoded once.
    Map<String, List<Integer>> byQueue = new LinkedHashMap<>();
    Map<TemplateKey, Template<?>> templates = new HashMap<>();
    List<Template<?>> templateOf = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      JobSpec<?> job = Objects.requireNonNull(jobs.get(i), "jobs[" + i + "]");
      Template<?> t =
          templates.computeIfAbsent(
              new TemplateKey(job.type(), job.options()),
              k -> template(k.type(), k.options(), 0, nowMs, headers));
      templateOf.add(t);
      byQueue.computeIfAbsent(t.shardForArgs(job.args()), q -> new ArrayList<>()).add(i);
    }
    try (Json.Sequence json = new Json.Sequence()) {
      return sendGroups(
          byQueue, jobs.size(), index -> templateOf.get(index).jobOf(jobs.get(index).args(), json));
    }
  }

  /**
   * The jobs of a sharded queue, each on the shard {@link QueueShards#shardFor} picks (a unique job
   * by its lock digest), the jobs of each shard in their order and in chunks.
   */
  private <A> List<EnqueueResult> enqueueSharded(
      Template<A> template, List<? extends A> args, List<String> batchParts, List<String> encoded) {
    Map<String, List<Integer>> byShard = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      byShard.computeIfAbsent(template.shardFor(args.get(i)), s -> new ArrayList<>()).add(i);
    }
    try (Json.Sequence json = new Json.Sequence()) {
      return sendGroups(byShard, args.size(), jobAt(template, args, batchParts, encoded, json));
    }
  }

  /**
   * Sends jobs grouped by the queue (or shard) each goes to, {@code job} encoding the job at an
   * index of the caller's list; the results come back in that list's order. A failure in one group
   * leaves the others sent, and says which jobs were queued.
   */
  private List<EnqueueResult> sendGroups(
      Map<String, List<Integer>> groups, int total, IntFunction<NewJob> job) {
    for (String queue : groups.keySet()) {
      registerQueue(queue);
    }
    EnqueueResult[] results = new EnqueueResult[total];
    Sent failed = null;
    int chunks = 0;
    for (Map.Entry<String, List<Integer>> e : groups.entrySet()) {
      List<Integer> indexes = e.getValue();
      Sent sent = send(e.getKey(), indexes.size(), i -> job.apply(indexes.get(i)), chunks == 0);
      sent.remap(indexes, results);
      chunks += sent.chunks;
      failed = sent.first == null ? failed : sent.mergeInto(failed, indexes);
    }
    if (failed == null) {
      return Arrays.asList(results);
    }
    if (chunks == 1) {
      throw failed.first;
    }
    throw failed.partial(String.join("', '", groups.keySet()), total, results);
  }

  private void registerQueue(String queue) {
    try {
      store.registerQueue(queue); // on a Cluster, a list that is away is warned of, not thrown
    } catch (SpoolException e) {
      throw notEnqueued(e); // before any job was sent
    }
  }

  /** A job type and an options object (JobOptions are equal only to themselves). */
  private record TemplateKey(JobType<?> type, JobOptions options) {}

  /** The encoded fields that jobs of one type and options share, and how to encode each job. */
  private final class Template<A> {
    final JobType<A> type;
    final JobOptions options;
    final String queue;
    final Unique<?> unique;
    final JobTemplate fields;

    Template(
        JobType<A> type,
        JobOptions options,
        long batchTtlSeconds,
        long nowMs,
        Map<String, String> headers) {
      this.type = type;
      this.options = options;
      this.queue = options.queue().orElse(type.queue());
      this.unique = uniqueOf(type, options);
      long dueMs = dueMs(options, nowMs);
      long lockExpiry = 0;
      if (unique != null && unique.lock() != Unique.Lock.WHILE_EXECUTING) {
        lockExpiry = (dueMs > 0 ? dueMs : nowMs) + unique.ttl().orElse(defaultLockTtl).toMillis();
      }
      Affinity affinity =
          options.node().isEmpty() && options.notNode().isEmpty()
              ? Affinity.NONE
              : new Affinity(
                  options.node().orElse(""),
                  options.strictNode(),
                  options.notNode().orElse(""),
                  // Decided once per type and options of a call; a strict job always waits.
                  options.node().isEmpty()
                      || options.strictNode()
                      || nodeAlive.test(options.node().get()));
      String stored =
          StoredOptions.of(
                  retryOf(type, options),
                  options.timeout().orElse(type.timeout().orElse(null)),
                  headers)
              .toJson();
      this.fields =
          new JobTemplate(
              type.name(),
              options.priority(),
              dueMs,
              stored,
              unique != null,
              lockExpiry,
              batchTtlSeconds,
              affinity,
              expiresAtMs(options, dueMs > 0 ? dueMs : nowMs),
              type.concurrencyLimit().isPresent() || type.rateLimit().isPresent());
    }

    /** {@code preEncoded}: the arguments as {@link #encode(JobType, Object)} gave them, or null. */
    NewJob job(A args, String batchPart, Json.Sequence json, String preEncoded) {
      String lock =
          unique == null ? "" : LockSpec.of(type.name(), unique, args, defaultLockTtl).stored();
      String encoded = preEncoded != null ? preEncoded : encode(type, args, json);
      if (!fields.limited()) {
        return new NewJob(fields, encoded, lock, batchPart);
      }
      return new NewJob(
          fields, encoded, lock, batchPart, type.concurrencySpec(args), type.rateSpec(args));
    }

    /**
     * The queue a job of these arguments goes to: this template's, or for a sharded queue the shard
     * {@link QueueShards#shardFor} picks (a unique job by its lock digest).
     */
    String shardFor(A args) {
      QueueShards shards = store.shards();
      if (!shards.isSharded(queue)) {
        return queue;
      }
      String key =
          unique == null ? null : LockSpec.of(type.name(), unique, args, defaultLockTtl).digest();
      return shards.shardFor(queue, key);
    }

    @SuppressWarnings("unchecked")
    String shardForArgs(Object args) {
      return shardFor((A) args);
    }

    /** {@link #job} for arguments known to be of this template's type. */
    @SuppressWarnings("unchecked")
    NewJob jobOf(Object args, Json.Sequence json) {
      return job((A) args, "", json, null);
    }
  }

  /** When a job must have started by: its expiry, or its time to live from when it is due. */
  private static long expiresAtMs(JobOptions options, long dueMs) {
    if (options.expiresAt().isPresent()) {
      return Math.max(1, options.expiresAt().get().toEpochMilli());
    }
    return options.ttl().map(ttl -> dueMs + ttl.toMillis()).orElse(0L);
  }

  private <A> Template<A> template(
      JobType<A> type,
      JobOptions options,
      long batchTtlSeconds,
      long nowMs,
      Map<String, String> headers) {
    return new Template<>(type, options, batchTtlSeconds, nowMs, headers);
  }

  /**
   * Sends {@code count} jobs of one queue, encoding each chunk just before it is sent and keeping
   * at most {@link #IN_FLIGHT} chunks unanswered. Once a chunk failed, the chunks not yet sent are
   * not sent (their jobs are certainly not enqueued).
   *
   * <p>One chunk is awaited at once, so it may go on the caller's thread. More chunks are
   * pipelined: on the caller's thread too where a socket of its own can be had ({@link
   * CallerPipeline}), else on the shared connection.
   */
  private Sent send(String queue, int count, IntFunction<NewJob> job, boolean firstSent) {
    if (count <= CHUNK) {
      return send(queue, count, job, redis.awaitedAtOnce(), firstSent);
    }
    try (CallerPipeline pipeline = redis.callerPipeline()) {
      return send(queue, count, job, pipeline != null ? pipeline : redis.shared(), firstSent);
    }
  }

  /**
   * Sends the jobs of one queue in chunks, each encoded just before it is sent (a large call holds
   * one chunk's encoding at a time). A job that cannot be encoded (over the payload limit, say)
   * fails the call as it is when nothing was sent before it ({@code firstSent}: no earlier queue's
   * jobs either); after that, the chunks sent count, and it is the failure of the chunks from its
   * own on, which are not sent: a partial enqueue, never an error that hides jobs enqueued.
   */
  private Sent send(
      String queue, int count, IntFunction<NewJob> job, ScriptCalls via, boolean firstSent) {
    long now = Micros.now(clock);
    Sent sent = new Sent(count);
    ArrayDeque<Integer> inFlight = new ArrayDeque<>();
    List<CompletableFuture<long[]>> futures = new ArrayList<>();
    for (int from = 0; from < count; from += CHUNK) {
      int c = futures.size();
      if (inFlight.size() == IN_FLIGHT) {
        int oldest = inFlight.removeFirst();
        sent.collect(via, queue, oldest, futures.get(oldest), this);
      }
      if (sent.first != null) {
        futures.add(null); // not sent
        sent.notSent(c);
        continue;
      }
      int to = Math.min(from + CHUNK, count);
      List<NewJob> chunk = new ArrayList<>(to - from);
      try {
        for (int i = from; i < to; i++) {
          chunk.add(job.apply(i));
        }
      } catch (RuntimeException e) {
        if (c == 0 && firstSent) {
          throw e; // nothing was sent: the call fails as a single job's would
        }
        sent.first = e;
        futures.add(null); // not sent, nor the chunks after it
        sent.notSent(c);
        continue;
      }
      CompletableFuture<long[]> f;
      try {
        f = store.enqueue(queue, chunk, now, via);
      } catch (RuntimeException e) { // refused before sending; the chunks before it still count
        f = CompletableFuture.failedFuture(e);
      }
      futures.add(f);
      inFlight.addLast(c);
    }
    for (int c : inFlight) {
      sent.collect(via, queue, c, futures.get(c), this);
    }
    sent.chunks = futures.size();
    return sent;
  }

  /**
   * The outcome of sending the jobs of one queue: a result per job that landed, and, if a chunk
   * failed, which jobs were not enqueued, which may have been, and the first failure.
   */
  private static final class Sent {
    final EnqueueResult[] results;
    final List<Integer> notEnqueued = new ArrayList<>();
    final List<Integer> maybeEnqueued = new ArrayList<>();

    /** The first failure: Redis's, or a job's that could not be encoded (not sent). */
    RuntimeException first;

    int chunks;

    Sent(int count) {
      this.results = new EnqueueResult[count];
    }

    void collect(
        ScriptCalls via,
        String queue,
        int chunk,
        CompletableFuture<long[]> future,
        Enqueuer enqueuer) {
      int from = chunk * CHUNK;
      int size = Math.min(CHUNK, results.length - from);
      try {
        via.readUntil(future);
        long[] numbers = enqueuer.redis.await(future);
        for (int i = 0; i < numbers.length; i++) {
          results[from + i] =
              new EnqueueResult(numbers[i] > 0, new JobId(queue, Math.abs(numbers[i])));
        }
      } catch (SpoolException e) {
        boolean unknown = RedisConnection.mayHaveRun(e);
        SpoolException failure =
            e instanceof EnqueueOutcomeUnknownException told // e.g. not confirmed by a replica
                ? told
                : unknown ? enqueuer.outcomeUnknown(queue, size, e) : notEnqueued(e);
        first = first == null ? failure : first;
        for (int i = from; i < from + size; i++) {
          (unknown ? maybeEnqueued : notEnqueued).add(i);
        }
      }
    }

    void notSent(int chunk) {
      int from = chunk * CHUNK;
      for (int i = from; i < Math.min(from + CHUNK, results.length); i++) {
        notEnqueued.add(i);
      }
    }

    List<EnqueueResult> resultsOrThrow(String queue) {
      if (first == null) {
        return Arrays.asList(results);
      }
      if (chunks == 1) {
        throw first; // one command for every job: its failure says it all
      }
      throw partial(queue, results.length, results);
    }

    /** Copies the results to their places in the whole list. */
    void remap(List<Integer> indexes, EnqueueResult[] all) {
      for (int i = 0; i < results.length; i++) {
        all[indexes.get(i)] = results[i];
      }
    }

    /** This queue's failure, by index in the whole list, added to those of earlier queues. */
    Sent mergeInto(Sent earlier, List<Integer> indexes) {
      Sent merged = earlier == null ? new Sent(0) : earlier;
      merged.first = merged.first == null ? first : merged.first;
      notEnqueued.forEach(i -> merged.notEnqueued.add(indexes.get(i)));
      maybeEnqueued.forEach(i -> merged.maybeEnqueued.add(indexes.get(i)));
      return merged;
    }

    PartialEnqueueException partial(String queues, int total, EnqueueResult[] all) {
      SortedMap<Integer, JobId> enqueued = new TreeMap<>();
      List<Integer> rejected = new ArrayList<>();
      for (int i = 0; i < all.length; i++) {
        if (all[i] != null) {
          enqueued.put(i, all[i].jobId());
          if (!all[i].accepted()) {
            rejected.add(i);
          }
        }
      }
      List<Integer> not = notEnqueued.stream().sorted().toList();
      List<Integer> maybe = maybeEnqueued.stream().sorted().toList();
      return new PartialEnqueueException(
          "%d of %d jobs enqueued on queue '%s', %d not enqueued, %d may have been: %s"
              .formatted(
                  enqueued.size(), total, queues, not.size(), maybe.size(), first.getMessage()),
          enqueued,
          not,
          maybe,
          rejected,
          first);
    }
  }

  EnqueueOutcomeUnknownException outcomeUnknown(String queue, int jobs, SpoolException e) {
    return new EnqueueOutcomeUnknownException(
        e.getMessage()
            + ": the enqueue of %d job(s) on queue '%s' was sent but not answered, the job(s) may have been enqueued (check before enqueuing again)"
                .formatted(jobs, queue),
        queue,
        jobs,
        e);
  }

  /** The same failure, saying that the jobs were not enqueued where the cause makes it sure. */
  private static SpoolException notEnqueued(SpoolException e) {
    if (e instanceof RedisOutOfMemoryException) {
      return new RedisOutOfMemoryException(
          e.getMessage().replace("the command was refused", "the job was not enqueued"),
          e.getCause());
    }
    return e;
  }

  /** What a recurring job stores to enqueue on each tick: encoded as an enqueue would. */
  public <A> RecurringDefinition recurringDefinition(
      JobType<A> type, A args, JobOptions options, dev.spool.Schedule schedule) {
    if (options.delay().isPresent() || options.runAt().isPresent()) {
      throw new IllegalArgumentException("a recurring job runs on its schedule: no delay or runAt");
    }
    if (options.ttl().isPresent() || options.expiresAt().isPresent()) {
      throw new IllegalArgumentException(
          "a recurring job's ticks do not expire: no ttl or expiresAt (give its type a timeout,"
              + " or cancel it with cancelRecurring)");
    }
    String stored =
        StoredOptions.of(
                retryOf(type, options), options.timeout().orElse(type.timeout().orElse(null)))
            .toJson();
    Unique<?> unique = uniqueOf(type, options);
    LockSpec spec = unique == null ? null : LockSpec.of(type.name(), unique, args, defaultLockTtl);
    return new RecurringDefinition(
        schedule.stored(),
        type.name(),
        encode(type, args, null),
        stored,
        spec == null ? "" : spec.stored(),
        spec == null ? 0 : spec.ttlMs(),
        spec != null && spec.takenAtEnqueue(),
        options.node().orElse(null),
        options.strictNode(),
        options.notNode().orElse(null),
        options.priority(),
        type.concurrencySpec(args),
        type.rateSpec(args));
  }

  private static long dueMs(JobOptions options, long nowMs) {
    if (options.runAt().isPresent()) {
      Instant at = options.runAt().get();
      return at.toEpochMilli() <= nowMs ? 0 : at.toEpochMilli();
    }
    Duration delay = options.delay().orElse(Duration.ZERO);
    return delay.isZero() ? 0 : nowMs + delay.toMillis();
  }

  /**
   * The arguments as JSON, checked against the size limit, as an enqueue would store them: to check
   * jobs before anything is written, then pass them to {@link #enqueueAll(JobType, List,
   * JobOptions, List, List)}.
   */
  public <A> String encode(JobType<A> type, A args) {
    return encode(type, args, null);
  }

  /** The arguments as JSON, through {@code json} when given; checked against the size limit. */
  private <A> String encode(JobType<A> type, A args, Json.Sequence json) {
    if (args == null) {
      throw new IllegalArgumentException("arguments of job type '" + type.name() + "' are null");
    }
    String text = json == null ? Json.write(args) : json.write(args);
    // A char is at most 3 UTF-8 bytes: most payloads are far under the limit and need no count.
    if (text.length() > maxPayloadBytes / 3) {
      int bytes = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxPayloadBytes) {
        throw new PayloadTooLargeException(type.name(), bytes, maxPayloadBytes);
      }
    }
    return text;
  }
}
