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

  /**
   * The last {@link #MINUTES} minutes of each queue, the one holding {@code nowMicros} last; a
   * sharded queue's minutes are the sums over its shards.
   */
  public List<Throughput> throughput(List<String> queues, long nowMicros) {
    long current = Micros.minuteOf(nowMicros);
    List<List<List<RedisFuture<List<KeyValue<String, String>>>>>> sent = new ArrayList<>();
    for (String queue : queues) {
      List<List<RedisFuture<List<KeyValue<String, String>>>>> shards = new ArrayList<>();
      for (String shard : store.shards().physical(queue)) {
        QueueKeys q = keys.queue(shard);
        List<RedisFuture<List<KeyValue<String, String>>>> minutes = new ArrayList<>(MINUTES);
        for (long m = current - MINUTES + 1; m <= current; m++) {
          minutes.add(redis.async().hmget(q.throughput(m), "succeeded", "failed"));
        }
        shards.add(minutes);
      }
      sent.add(shards);
    }
    List<Throughput> out = new ArrayList<>(queues.size());
    for (int i = 0; i < queues.size(); i++) {
      long[] succeeded = new long[MINUTES];
      long[] failed = new long[MINUTES];
      for (List<RedisFuture<List<KeyValue<String, String>>>> shard : sent.get(i)) {
        for (int k = 0; k < MINUTES; k++) {
          // A counter key of another type (garbage) counts nothing, and fails no other queue.
          List<KeyValue<String, String>> fields = redis.awaitOrIfWrongType(shard.get(k), List.of());
          if (!fields.isEmpty()) {
            succeeded[k] += number(fields.get(0));
            failed[k] += number(fields.get(1));
          }
        }
      }
      List<ThroughputMinute> minutes = new ArrayList<>(MINUTES);
      for (int k = 0; k < MINUTES; k++) {
        long minute = current - MINUTES + 1 + k;
        minutes.add(
            new ThroughputMinute(Instant.ofEpochSecond(minute * 60), succeeded[k], failed[k]));
      }
      out.add(new Throughput(queues.get(i), minutes));
    }
    return out;
  }

  /**
   * Every asked queue's counts (a sharded queue's summed over its shards, its latency the longest
   * of theirs), how many names the queue set holds (a sharded queue's shards each count), and the
   * version.
   */
  public QueuesSnapshot snapshot(List<String> queues) {
    RedisFuture<Long> queueCount = redis.async().scard(keys.queues());
    List<List<CompletableFuture<QueueCounts>>> counts = new ArrayList<>(queues.size());
    List<List<RedisFuture<String>>> events = new ArrayList<>(queues.size());
    for (String queue : queues) {
      List<CompletableFuture<QueueCounts>> shardCounts = new ArrayList<>(1);
      List<RedisFuture<String>> shardEvents = new ArrayList<>(2);
      for (String shard : store.shards().physical(queue)) {
        QueueKeys q = keys.queue(shard);
        shardCounts.add(store.countsAsync(shard));
        shardEvents.add(redis.async().get(q.seq()));
        shardEvents.add(redis.async().get(q.failed()));
      }
      counts.add(shardCounts);
      events.add(shardEvents);
    }
    List<QueueCounts> read = new ArrayList<>(queues.size());
    long version = 0;
    for (int i = 0; i < queues.size(); i++) {
      QueueCounts sum = null;
      for (CompletableFuture<QueueCounts> shard : counts.get(i)) {
        QueueCounts c = redis.await(shard);
        sum = sum == null ? c : sum(queues.get(i), sum, c);
        version += c.completed();
      }
      read.add(sum);
      for (RedisFuture<String> event : events.get(i)) {
        version += parse(redis.awaitOrIfWrongType(event, null));
      }
    }
    return new QueuesSnapshot(read, redis.awaitOrIfWrongType(queueCount, 0L), version);
  }

  /** The counts of two shards of a queue, as the queue's. */
  private static QueueCounts sum(String queue, QueueCounts a, QueueCounts b) {
    return new QueueCounts(
        queue,
        a.ready() + b.ready(),
        a.delayed() + b.delayed(),
        a.processing() + b.processing(),
        a.completed() + b.completed(),
        a.dead() + b.dead(),
        a.latency().compareTo(b.latency()) >= 0 ? a.latency() : b.latency());
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
