package dev.spool.internal.queue;

import dev.spool.EnqueueOutcomeUnknownException;
import dev.spool.EnqueueResult;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.PartialEnqueueException;
import dev.spool.PayloadTooLargeException;
import dev.spool.RedisOutOfMemoryException;
import dev.spool.SpoolException;
import dev.spool.Unique;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.unique.LockSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Encodes jobs and hands them to the store: one at a time, or in pipelined chunks. */
public final class Enqueuer {
  /** Jobs per enqueue script call in bulk; chunks are pipelined. */
  private static final int CHUNK = 500;

  private final JobStore store;
  private final RedisConnection redis;
  private final Clock clock;
  private final int maxPayloadBytes;
  private final Duration defaultLockTtl;

  public Enqueuer(
      JobStore store, RedisConnection redis, Clock clock, int maxPayloadBytes, Duration lockTtl) {
    this.store = store;
    this.redis = redis;
    this.clock = clock;
    this.maxPayloadBytes = maxPayloadBytes;
    this.defaultLockTtl = lockTtl;
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
    return enqueueAll(type, args, options, null);
  }

  /**
   * As {@link #enqueueAll(JobType, List, JobOptions)}, each job being the batch part at the same
   * index of {@code batchParts} ({@code "<queue>|<token>|<part>"}), when given.
   */
  public <A> List<EnqueueResult> enqueueAll(
      JobType<A> type, List<? extends A> args, JobOptions options, List<String> batchParts) {
    String queue = options.queue().orElse(type.queue());
    long dueMs = dueMs(options);
    Unique<?> unique = uniqueOf(type, options);
    long lockFrom = dueMs > 0 ? dueMs : clock.millis();
    String affinity =
        options.node().isEmpty() && options.notNode().isEmpty()
            ? ""
            : options.node().orElse("")
                + "|"
                + (options.strictNode() ? "1" : "0")
                + "|"
                + options.notNode().orElse("");
    String stored =
        StoredOptions.of(
                options.retry().orElse(type.retry()),
                options.timeout().orElse(type.timeout().orElse(null)))
            .toJson();
    List<NewJob> jobs = new ArrayList<>(args.size());
    for (int index = 0; index < args.size(); index++) {
      A a = args.get(index);
      String lock = "";
      long lockExpiry = 0;
      if (unique != null) {
        LockSpec spec = LockSpec.of(type.name(), unique, a, defaultLockTtl);
        lock = spec.stored();
        lockExpiry = spec.takenAtEnqueue() ? lockFrom + spec.ttlMs() : 0;
      }
      jobs.add(
          new NewJob(
              type.name(),
              encode(type, a),
              options.priority(),
              dueMs,
              stored,
              lock,
              lockExpiry,
              batchParts == null ? "" : batchParts.get(index),
              affinity));
    }
    try {
      store.registerQueue(queue);
    } catch (SpoolException e) {
      throw notEnqueued(e); // before any job was sent
    }
    long now = Micros.now(clock);
    List<CompletableFuture<long[]>> chunks = new ArrayList<>();
    for (int from = 0; from < jobs.size(); from += CHUNK) {
      List<NewJob> chunk = jobs.subList(from, Math.min(from + CHUNK, jobs.size()));
      try {
        chunks.add(store.enqueue(queue, chunk, now));
      } catch (RuntimeException e) { // refused before sending; the chunks before it still count
        chunks.add(CompletableFuture.failedFuture(e));
      }
    }
    return collect(queue, chunks, jobs.size());
  }

  /**
   * Waits for every chunk; if any failed, says which jobs landed, which did not and which may have
   * (a chunk that got no answer), instead of losing the ids of the chunks that landed.
   */
  private List<EnqueueResult> collect(
      String queue, List<CompletableFuture<long[]>> chunks, int total) {
    List<EnqueueResult> results = new ArrayList<>(total);
    SortedMap<Integer, JobId> enqueued = new TreeMap<>();
    List<Integer> notEnqueued = new ArrayList<>();
    List<Integer> maybeEnqueued = new ArrayList<>();
    SpoolException first = null;
    for (int c = 0; c < chunks.size(); c++) {
      int from = c * CHUNK;
      int size = Math.min(CHUNK, total - from);
      try {
        long[] numbers = redis.await(chunks.get(c));
        for (int i = 0; i < numbers.length; i++) {
          EnqueueResult r =
              new EnqueueResult(numbers[i] > 0, new JobId(queue, Math.abs(numbers[i])));
          results.add(r);
          enqueued.put(from + i, r.jobId());
        }
      } catch (SpoolException e) {
        boolean unknown = RedisConnection.mayHaveRun(e);
        SpoolException failure =
            e instanceof EnqueueOutcomeUnknownException told // e.g. not confirmed by a replica
                ? told
                : unknown ? outcomeUnknown(queue, size, e) : notEnqueued(e);
        first = first == null ? failure : first;
        for (int i = from; i < from + size; i++) {
          (unknown ? maybeEnqueued : notEnqueued).add(i);
        }
      }
    }
    if (first == null) {
      return results;
    }
    if (chunks.size() == 1) {
      throw first; // one command for every job: its failure says it all
    }
    throw new PartialEnqueueException(
        "%d of %d jobs enqueued on queue '%s', %d not enqueued, %d may have been: %s"
            .formatted(
                enqueued.size(),
                total,
                queue,
                notEnqueued.size(),
                maybeEnqueued.size(),
                first.getMessage()),
        enqueued,
        notEnqueued,
        maybeEnqueued,
        first);
  }

  private EnqueueOutcomeUnknownException outcomeUnknown(String queue, int jobs, SpoolException e) {
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
    String stored =
        StoredOptions.of(
                options.retry().orElse(type.retry()),
                options.timeout().orElse(type.timeout().orElse(null)))
            .toJson();
    Unique<?> unique = uniqueOf(type, options);
    LockSpec spec = unique == null ? null : LockSpec.of(type.name(), unique, args, defaultLockTtl);
    return new RecurringDefinition(
        schedule.stored(),
        type.name(),
        encode(type, args),
        stored,
        spec == null ? "" : spec.stored(),
        spec == null ? 0 : spec.ttlMs(),
        spec != null && spec.takenAtEnqueue());
  }

  private long dueMs(JobOptions options) {
    if (options.runAt().isPresent()) {
      Instant at = options.runAt().get();
      return at.toEpochMilli() <= clock.millis() ? 0 : at.toEpochMilli();
    }
    Duration delay = options.delay().orElse(Duration.ZERO);
    return delay.isZero() ? 0 : clock.millis() + delay.toMillis();
  }

  private <A> String encode(JobType<A> type, A args) {
    if (args == null) {
      throw new IllegalArgumentException("arguments of job type '" + type.name() + "' are null");
    }
    String json = Json.write(args);
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxPayloadBytes) {
      throw new PayloadTooLargeException(type.name(), bytes, maxPayloadBytes);
    }
    return json;
  }
}
