package dev.spool;

import dev.spool.internal.batch.DistributedJobStore;
import dev.spool.internal.redis.Keys.DistributedJobKeys;
import dev.spool.internal.redis.RedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A job split into parts that knows when its last part is done; usable with any job runner.
 *
 * <pre>{@code
 * DistributedJob dj = spool.distributedJob(token);
 * dj.pushEach(dates, (date, part) -> spool.enqueue(DAY, new Day(date, dj.token(), part)));
 * // in each part's job:
 * if (dj.isStopped()) return;
 * if (dj.done(part)) { ... the last part is done ... }
 * }</pre>
 *
 * <p>Its two keys (open parts, state) share the hash tag of its token and expire after the TTL,
 * refreshed on every change. {@link #done} is one atomic script: exactly one call returns true.
 */
public final class DistributedJob {
  /** Defaults to one day. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(1);

  /** Parts pushed per round trip by {@link #pushEach}. */
  static final int PUSH_BATCH = 1000;

  /** Receives each item of {@link #pushEach} with its part, after the part is pushed. */
  @FunctionalInterface
  public interface PartConsumer<T> {
    void accept(T item, String part) throws Exception;
  }

  private final DistributedJobStore store;
  private final String token;

  DistributedJob(RedisConnection redis, DistributedJobKeys keys, String token, Duration ttl) {
    this.store =
        new DistributedJobStore(
            redis, keys, Math.max(1, JobOptions.positive(ttl, "ttl").toSeconds()));
    this.token = token;
  }

  public String token() {
    return token;
  }

  /**
   * Pushes a part per item ("0", "1", …) and hands each item and its part to {@code consumer}.
   * Parts are pushed in batches before their items are handed out, and the job is closed with the
   * last batch, before its items are handed out: so the last part can never be done before the job
   * knows it is complete. Reads the source once, lazily, in bounded memory.
   *
   * @throws SpoolException wrapping what the consumer threw (parts pushed so far stay)
   */
  public <T> void pushEach(Iterator<? extends T> items, PartConsumer<? super T> consumer) {
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(consumer, "consumer");
    long index = 0;
    boolean any = false;
    while (items.hasNext() || !any) {
      List<T> batch = new ArrayList<>(PUSH_BATCH);
      while (batch.size() < PUSH_BATCH && items.hasNext()) {
        batch.add(items.next());
      }
      boolean last = !items.hasNext();
      String[] parts = new String[batch.size()];
      for (int i = 0; i < parts.length; i++) {
        parts[i] = Long.toString(index + i);
      }
      push(parts, last);
      for (int i = 0; i < batch.size(); i++) {
        try {
          consumer.accept(batch.get(i), parts[i]);
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new SpoolException("pushEach: the consumer failed on part " + parts[i], e);
        }
      }
      index += batch.size();
      any = true;
      if (last) {
        return;
      }
    }
  }

  public <T> void pushEach(Iterable<? extends T> items, PartConsumer<? super T> consumer) {
    pushEach(items.iterator(), consumer);
  }

  public <T> void pushEach(Stream<? extends T> items, PartConsumer<? super T> consumer) {
    try (items) {
      pushEach(items.iterator(), consumer);
    }
  }

  private void push(String[] parts, boolean close) {
    store.push(parts, close);
  }

  /**
   * Marks a part done.
   *
   * @return true exactly once: for the call that finishes the last open part of a closed job; false
   *     for any other part, and for an unknown or already done part (nothing changes). A part that
   *     runs again after its node died before acting on a true answer (or whose answer was lost)
   *     gets false: {@link #finishedBy()} tells it that it was the one.
   */
  public boolean done(String part) {
    return store.done(Objects.requireNonNull(part, "part"));
  }

  /**
   * The part whose {@link #done} finished the job; empty while it is not finished (or once its
   * state expired). A part that runs again after its node died right after {@code done} said true
   * (or after the answer was lost) finds itself here, and may do what the true answer asked for:
   * {@code if (dj.done(part) || dj.finishedBy().equals(Optional.of(part)))}. What follows may then
   * run more than once, as any job may: make it idempotent.
   */
  public Optional<String> finishedBy() {
    return store.finishedBy();
  }

  /** Open parts: pushed and not done yet. */
  public long count() {
    return store.count();
  }

  /** Parts ever pushed (a part pushed twice counts once). */
  public long total() {
    return store.total();
  }

  /** True once the job is closed and every part is done. */
  public boolean isFinished() {
    return store.isFinished();
  }

  /** Parts that ask {@link #isStopped()} will not run. */
  public void stop() {
    store.stop();
  }

  public boolean isStopped() {
    return store.isStopped();
  }

  /** The open parts, read with SSCAN a page at a time: never loaded whole. */
  public Stream<String> openParts() {
    Iterator<String> it =
        new Iterator<>() {
          private DistributedJobStore.Page page;
          private Iterator<String> parts = List.<String>of().iterator();

          @Override
          public boolean hasNext() {
            while (!parts.hasNext()) {
              if (page != null && page.last()) {
                return false;
              }
              page = store.scan(page == null ? "0" : page.cursor());
              parts = page.parts().iterator();
            }
            return true;
          }

          @Override
          public String next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return parts.next();
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  @Override
  public String toString() {
    return "DistributedJob[" + token + "]";
  }
}
