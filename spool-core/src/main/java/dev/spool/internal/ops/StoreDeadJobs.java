package dev.spool.internal.ops;

import dev.spool.DeadJob;
import dev.spool.DeadJobs;
import dev.spool.JobId;
import dev.spool.Queues;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.DeadRetry;
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
    DeadRetry r =
        store.retryDead(id.queue(), List.of(Long.toString(id.number())), Micros.now(clock));
    if (!r.held().isEmpty()) {
      throw r.held().getFirst();
    }
    return r.requeued() == 1;
  }

  @Override
  public long retryAll(String queue) {
    Queues.validate(queue);
    long total = 0;
    int kept = 0;
    while (true) {
      // Every member given leaves the set, even one that names no job, but those whose unique
      // lock another job holds: they stay, oldest first as they were, and the next slice starts
      // after them. Each round requeues or skips its whole slice, so the loop ends.
      List<String> slice = store.deadMembers(queue, kept, SLICE);
      if (slice.isEmpty()) {
        return total;
      }
      DeadRetry r = store.retryDead(queue, slice, Micros.now(clock));
      total += r.requeued();
      kept += r.held().size();
    }
  }

  @Override
  public long purge(String queue) {
    return store.purgeDead(Queues.validate(queue));
  }
}
