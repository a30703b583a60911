package dev.spool.internal.ops;

import dev.spool.DeadJob;
import dev.spool.DeadJobs;
import dev.spool.JobId;
import dev.spool.Queues;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.util.List;

/** {@link DeadJobs} over the job store. */
public final class StoreDeadJobs implements DeadJobs {
  private static final int SLICE = 1000;

  private final RedisJobStore store;
  private final Clock clock;

  public StoreDeadJobs(RedisJobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public List<DeadJob> list(String queue, int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    return limit == 0 ? List.of() : store.dead(Queues.validate(queue), offset, limit);
  }

  @Override
  public long size(String queue) {
    return store.counts(Queues.validate(queue)).dead();
  }

  @Override
  public boolean retry(JobId id) {
    return store.retryDead(id.queue(), List.of(Long.toString(id.number())), Micros.now(clock)) == 1;
  }

  @Override
  public long retryAll(String queue) {
    Queues.validate(queue);
    long total = 0;
    while (true) {
      // Every member given leaves the set, even one that names no job: the loop ends.
      List<String> slice = store.deadMembers(queue, 0, SLICE);
      if (slice.isEmpty()) {
        return total;
      }
      total += store.retryDead(queue, slice, Micros.now(clock));
    }
  }

  @Override
  public long purge(String queue) {
    return store.purgeDead(Queues.validate(queue));
  }
}
