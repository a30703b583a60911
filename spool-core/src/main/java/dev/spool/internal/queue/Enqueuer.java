package dev.spool.internal.queue;

import dev.spool.EnqueueResult;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.PayloadTooLargeException;
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
    store.registerQueue(queue);
    long now = Micros.now(clock);
    List<CompletableFuture<long[]>> chunks = new ArrayList<>();
    for (int from = 0; from < jobs.size(); from += CHUNK) {
      chunks.add(
          store.enqueue(queue, jobs.subList(from, Math.min(from + CHUNK, jobs.size())), now));
    }
    List<EnqueueResult> results = new ArrayList<>(jobs.size());
    for (CompletableFuture<long[]> chunk : chunks) {
      for (long number : redis.await(chunk)) {
        results.add(new EnqueueResult(number > 0, new JobId(queue, Math.abs(number))));
      }
    }
    return results;
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
