package dev.spool.internal.ops;

import dev.spool.QueueCounts;
import dev.spool.QueuesSnapshot;
import dev.spool.Throughput;
import dev.spool.ThroughputMinute;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Keys.QueueKeys;
import dev.spool.internal.redis.RedisConnection;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What live pages read about queues: per-minute throughput and a snapshot of every count. Each read
 * sends all its commands before awaiting the first, so it costs one round trip however many queues
 * and minutes it covers.
 */
public final class QueueActivity {
  /** Minutes of throughput a read returns: the last hour. */
  public static final int MINUTES = 60;

  private final RedisConnection redis;
  private final Keys keys;
  private final RedisJobStore store;

  public QueueActivity(RedisJobStore store) {
    this.store = store;
    this.redis = store.redis();
    this.keys = store.keys();
  }

  /** The last {@link #MINUTES} minutes of each queue, the one holding {@code nowMicros} last. */
  public List<Throughput> throughput(List<String> queues, long nowMicros) {
    long current = Micros.minuteOf(nowMicros);
    List<List<RedisFuture<List<KeyValue<String, String>>>>> sent = new ArrayList<>();
    for (String queue : queues) {
      QueueKeys q = keys.queue(queue);
      List<RedisFuture<List<KeyValue<String, String>>>> minutes = new ArrayList<>(MINUTES);
      for (long m = current - MINUTES + 1; m <= current; m++) {
        minutes.add(redis.async().hmget(q.throughput(m), "succeeded", "failed"));
      }
      sent.add(minutes);
    }
    List<Throughput> out = new ArrayList<>(queues.size());
    for (int i = 0; i < queues.size(); i++) {
      List<ThroughputMinute> minutes = new ArrayList<>(MINUTES);
      for (int k = 0; k < MINUTES; k++) {
        // A counter key of another type (garbage) counts nothing, and fails no other queue.
        List<KeyValue<String, String>> fields =
            redis.awaitOrIfWrongType(sent.get(i).get(k), List.of());
        long minute = current - MINUTES + 1 + k;
        minutes.add(
            new ThroughputMinute(
                Instant.ofEpochSecond(minute * 60),
                fields.isEmpty() ? 0 : number(fields.get(0)),
                fields.isEmpty() ? 0 : number(fields.get(1))));
      }
      out.add(new Throughput(queues.get(i), minutes));
    }
    return out;
  }

  /** Every asked queue's counts, how many queues there are, and the version. */
  public QueuesSnapshot snapshot(List<String> queues) {
    RedisFuture<Long> queueCount = redis.async().scard(keys.queues());
    List<CompletableFuture<QueueCounts>> counts = new ArrayList<>(queues.size());
    List<RedisFuture<String>> events = new ArrayList<>(queues.size() * 2);
    for (String queue : queues) {
      QueueKeys q = keys.queue(queue);
      counts.add(store.countsAsync(queue));
      events.add(redis.async().get(q.seq()));
      events.add(redis.async().get(q.failed()));
    }
    List<QueueCounts> read = new ArrayList<>(queues.size());
    long version = 0;
    for (int i = 0; i < queues.size(); i++) {
      QueueCounts c = redis.await(counts.get(i));
      read.add(c);
      version += c.completed() + parse(redis.awaitOrIfWrongType(events.get(2 * i), null));
      version += parse(redis.awaitOrIfWrongType(events.get(2 * i + 1), null));
    }
    return new QueuesSnapshot(read, redis.awaitOrIfWrongType(queueCount, 0L), version);
  }

  private static long number(KeyValue<String, String> field) {
    return field.hasValue() ? parse(field.getValue()) : 0;
  }

  /** A counter's value; one that is absent or not a number (written by hand) counts zero. */
  private static long parse(String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
