package dev.spool.internal.ops;

import dev.spool.QueueControl;
import dev.spool.Queues;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;

/** {@link QueueControl} over the job store. */
public final class StoreQueueControl implements QueueControl {
  private final RedisJobStore store;
  private final Clock clock;
  private final String queue;

  public StoreQueueControl(RedisJobStore store, Clock clock, String queue) {
    this.store = store;
    this.clock = clock;
    this.queue = Queues.validate(queue);
  }

  @Override
  public String name() {
    return queue;
  }

  @Override
  public boolean pause() {
    return store.pause(queue, clock.millis());
  }

  @Override
  public boolean resume() {
    return store.resume(queue);
  }

  @Override
  public boolean isPaused() {
    return store.isPaused(queue);
  }

  @Override
  public String toString() {
    return "QueueControl[" + queue + "]";
  }
}
