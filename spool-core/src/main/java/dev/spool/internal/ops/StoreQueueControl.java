package dev.spool.internal.ops;

import dev.spool.ConcurrencyLimit;
import dev.spool.NodeInfo;
import dev.spool.QueueControl;
import dev.spool.QueueCounts;
import dev.spool.QueueSettings;
import dev.spool.Queues;
import dev.spool.RateLimit;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * {@link QueueControl} over the job store. A sharded queue is held shard by shard: a pause or
 * resume applies to every shard, and a limit is split between the shards (each shard is its own
 * Cluster slot, so no one script can count across them).
 */
public final class StoreQueueControl implements QueueControl {
  private final RedisJobStore store;
  private final Clock clock;
  private final String queue;
  private final Supplier<List<NodeInfo>> nodes;

  public StoreQueueControl(
      RedisJobStore store, Clock clock, String queue, Supplier<List<NodeInfo>> nodes) {
    this.store = store;
    this.clock = clock;
    this.queue = Queues.validate(queue);
    this.nodes = nodes;
  }

  @Override
  public String name() {
    return queue;
  }

  private List<String> shards() {
    return store.shards().physical(queue);
  }

  /** A shard's part of a limit of the whole queue: an equal part, at least 1. */
  private int part(int max) {
    return Math.max(1, max / shards().size());
  }

  @Override
  public boolean pause() {
    boolean changed = false;
    for (String shard : shards()) {
      changed |= store.pause(shard, clock.millis());
    }
    return changed;
  }

  @Override
  public boolean resume() {
    boolean changed = false;
    for (String shard : shards()) {
      changed |= store.resume(shard);
    }
    return changed;
  }

  @Override
  public boolean isPaused() {
    return settings().paused();
  }

  @Override
  public long drain(boolean includeScheduled) {
    long drained = 0;
    for (String shard : shards()) {
      // As many entries as the shard holds now: a queue filled while it drains cannot keep the
      // drain going for ever. Each call takes at most a slice of them.
      QueueCounts counts = store.counts(shard);
      long budget = counts.ready() + (includeScheduled ? counts.delayed() : 0);
      long taken = 0;
      while (taken < budget) {
        long[] r = store.drainSlice(shard, Micros.now(clock), includeScheduled);
        drained += r[0];
        taken += r[1];
        if (r[2] == 0) {
          break; // nothing left
        }
      }
    }
    return drained;
  }

  @Override
  public void limitConcurrency(int max) {
    if (max < 1 || max > ConcurrencyLimit.MAX) {
      throw new IllegalArgumentException(
          "concurrency limit must be in [1, " + ConcurrencyLimit.MAX + "], got " + max);
    }
    for (String shard : shards()) {
      store.setLimits(shard, Integer.toString(part(max)), "");
    }
  }

  @Override
  public void limitRate(int max, Duration per) {
    new RateLimit<>(max, per, null); // checks max and per as a type's rate limit would be
    for (String shard : shards()) {
      store.setLimits(shard, "", part(max) + "|" + per.toMillis());
    }
  }

  @Override
  public void removeLimits() {
    for (String shard : shards()) {
      store.setLimits(shard, "-", "-");
    }
  }

  @Override
  public OptionalInt concurrencyLimit() {
    return settings().concurrencyLimit();
  }

  @Override
  public Optional<RateLimit<Object>> rateLimit() {
    return settings().rateLimit();
  }

  @Override
  public boolean forget() {
    List<String> shards = shards();
    List<String> serving =
        nodes.get().stream()
            .filter(NodeInfo::alive)
            .filter(n -> n.queues().stream().anyMatch(q -> q.equals(queue) || shards.contains(q)))
            .map(NodeInfo::name)
            .toList();
    if (!serving.isEmpty()) {
      throw new IllegalStateException(
          "queue '"
              + queue
              + "' is served by live node(s) "
              + serving
              + ": stop them first, or"
              + " start them without it");
    }
    long ready = 0, delayed = 0, processing = 0, dead = 0, recurring = 0;
    for (String shard : shards) {
      QueueCounts c = store.counts(shard);
      ready += c.ready();
      delayed += c.delayed();
      processing += c.processing();
      dead += c.dead();
      recurring += store.recurringCount(shard);
    }
    if (ready + delayed + processing + dead + recurring > 0) {
      throw new IllegalStateException(
          String.format(
              "queue '%s' is in use: %d ready, %d scheduled, %d running, %d dead, %d recurring"
                  + " job(s); drain it (spool queue drain %s --scheduled), purge its dead jobs"
                  + " (spool dead purge --queue %s) and cancel its recurring jobs first",
              queue, ready, delayed, processing, dead, recurring, queue, queue));
    }
    boolean listed = store.unlistQueue(queue);
    for (String shard : shards) {
      listed |= !shard.equals(queue) && store.unlistQueue(shard);
    }
    return listed;
  }

  private QueueSettings settings() {
    return store.redis().await(store.settingsAsync(queue));
  }

  @Override
  public String toString() {
    return "QueueControl[" + queue + "]";
  }
}
