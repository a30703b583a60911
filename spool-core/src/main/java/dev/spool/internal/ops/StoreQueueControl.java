package dev.spool.internal.ops;

import dev.spool.ConcurrencyLimit;
import dev.spool.QueueControl;
import dev.spool.Queues;
import dev.spool.RateLimit;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

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
  public void limitConcurrency(int max) {
    new ConcurrencyLimit<>(max, null); // validates
    store.setLimits(queue, Integer.toString(max), "");
  }

  @Override
  public void limitRate(int max, Duration per) {
    new RateLimit<>(max, per, null); // validates
    store.setLimits(queue, "", max + "|" + per.toMillis());
  }

  @Override
  public void removeLimits() {
    store.setLimits(queue, "-", "-");
  }

  @Override
  public OptionalInt concurrencyLimit() {
    String stored = store.limits(queue)[0];
    try {
      return stored == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(stored));
    } catch (NumberFormatException e) {
      return OptionalInt.empty(); // not a number: fetch ignores it too
    }
  }

  @Override
  public Optional<RateLimit<Object>> rateLimit() {
    String stored = store.limits(queue)[1];
    if (stored == null || !stored.matches("\\d{1,9}\\|\\d{1,12}")) {
      return Optional.empty(); // none, or not as Spool writes it: fetch ignores it too
    }
    String[] parts = stored.split("\\|");
    return Optional.of(
        new RateLimit<>(
            Integer.parseInt(parts[0]), Duration.ofMillis(Long.parseLong(parts[1])), null));
  }

  @Override
  public String toString() {
    return "QueueControl[" + queue + "]";
  }
}
