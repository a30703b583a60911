package dev.spool.internal.queue;

import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.PayloadTooLargeException;
import dev.spool.internal.Micros;
import dev.spool.internal.json.Json;
import dev.spool.internal.redis.RedisConnection;
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

  public Enqueuer(JobStore store, RedisConnection redis, Clock clock, int maxPayloadBytes) {
    this.store = store;
    this.redis = redis;
    this.clock = clock;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public <A> JobId enqueue(JobType<A> type, A args, JobOptions options) {
    return enqueueAll(type, List.of(args), options).getFirst();
  }

  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args, JobOptions options) {
    String queue = options.queue().orElse(type.queue());
    long dueMs = dueMs(options);
    String stored =
        StoredOptions.of(
                options.retry().orElse(type.retry()),
                options.timeout().orElse(type.timeout().orElse(null)))
            .toJson();
    List<NewJob> jobs = new ArrayList<>(args.size());
    for (A a : args) {
      jobs.add(new NewJob(type.name(), encode(type, a), options.priority(), dueMs, stored));
    }
    store.registerQueue(queue);
    long now = Micros.now(clock);
    List<CompletableFuture<long[]>> chunks = new ArrayList<>();
    for (int from = 0; from < jobs.size(); from += CHUNK) {
      chunks.add(
          store.enqueue(queue, jobs.subList(from, Math.min(from + CHUNK, jobs.size())), now));
    }
    List<JobId> ids = new ArrayList<>(jobs.size());
    for (CompletableFuture<long[]> chunk : chunks) {
      for (long number : redis.await(chunk)) {
        ids.add(new JobId(queue, number));
      }
    }
    return ids;
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
