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
    // The jobs dead when the call began, each once: a retried job that dies again meanwhile joins
    // the set's newest end, after those still to go, and is not taken again (before, fast-dying
    // jobs were retried over and over, and counted each time).
    long left = store.counts(queue).dead();
    long total = 0;
    int kept = 0;
    while (left > 0) {
      // Every member given leaves the set, even one that names no job, but those whose unique
      // lock another job holds: they stay, oldest first as they were, and the next slice starts
      // after them.
      List<String> slice = store.deadMembers(queue, kept, Math.min(SLICE, left));
      if (slice.isEmpty()) {
        break;
      }
      left -= slice.size();
      DeadRetry r = store.retryDead(queue, slice, Micros.now(clock));
      total += r.requeued();
      kept += r.held().size();
    }
    return total;
  }

  @Override
  public long purge(String queue) {
    return store.purgeDead(Queues.validate(queue));
  }
}
