package dev.spool.bench;

import dev.spool.JobType;
import dev.spool.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The jobs of {@code spool aot-training}, the run from which {@code bin/spool} records its start-up
 * cache: one that makes a Redis call on a Lettuce connection of its own, as most application jobs
 * do, and one that does nothing. Not the benchmarks' job types: the cache must not be trained on
 * what the benchmarks measure.
 */
public final class TrainingJobs {
  private TrainingJobs() {}

  public record Count(int n, String key) {}

  public record Tick(int n) {}

  public static final JobType<Count> COUNT = JobType.of("aot-training.count", Count.class);
  public static final JobType<Tick> TICK = JobType.of("aot-training.tick", Tick.class);

  /** Registers both handlers; the connection lives as long as the training process. */
  public static void register(Worker.Builder worker, String redisUri) {
    RedisCommands<String, String> redis = RedisClient.create(redisUri).connect().sync();
    worker.handle(COUNT, (job, a) -> redis.incr(a.key())).handle(TICK, (job, a) -> {});
  }
}
