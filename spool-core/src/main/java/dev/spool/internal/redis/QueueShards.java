package dev.spool.internal.redis;

import dev.spool.Queues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queues declared with several shards: a sharded queue {@code mail} of N shards is N queues {@code
 * mail.shard0} … {@code mail.shard<N-1>}, each with a hash tag of its own, so that on a Redis
 * Cluster its shards spread over the masters. Enqueues spread a sharded queue's jobs over its
 * shards, workers of the queue fetch from all of them, and counts and queries of the queue cover
 * them all. The suffix {@value #SUFFIX}&lt;n&gt; is reserved for shards.
 */
public final class QueueShards {
  /** No queue is sharded. */
  public static final QueueShards NONE = new QueueShards(Map.of());

  /** At most this many shards per queue. */
  public static final int MAX_SHARDS = 64;

  static final String SUFFIX = ".shard";

  private final Map<String, Integer> shards; // logical queue -> shard count (2 or more)
  private final AtomicLong roundRobin = new AtomicLong();

  private QueueShards(Map<String, Integer> shards) {
    this.shards = Map.copyOf(shards);
  }

  /**
   * @param shards logical queue -> number of shards (a queue of 1 shard is a plain queue)
   * @throws IllegalArgumentException for an invalid queue name or a count out of 1 to {@value
   *     #MAX_SHARDS}
   */
  public static QueueShards of(Map<String, Integer> shards) {
    Map<String, Integer> sharded = new TreeMap<>();
    shards.forEach(
        (queue, count) -> {
          Queues.validate(queue);
          if (isShard(queue)) {
            throw new IllegalArgumentException(
                "queue '" + queue + "' ends like a shard ('" + SUFFIX + "<n>'): name it otherwise");
          }
          if (count == null || count < 1 || count > MAX_SHARDS) {
            throw new IllegalArgumentException(
                "shards of queue '" + queue + "' must be 1 to " + MAX_SHARDS + ", got " + count);
          }
          Queues.validate(queue + SUFFIX + (count - 1)); // a shard's name fits too
          if (count > 1) {
            sharded.put(queue, count);
          }
        });
    return sharded.isEmpty() ? NONE : new QueueShards(sharded);
  }

  /** Whether a queue name is a shard's. */
  public static boolean isShard(String queue) {
    int at = queue.lastIndexOf(SUFFIX);
    if (at <= 0 || at + SUFFIX.length() == queue.length()) {
      return false;
    }
    for (int i = at + SUFFIX.length(); i < queue.length(); i++) {
      if (!Character.isDigit(queue.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The logical queue of a shard ({@code mail.shard2} → {@code mail}); other names as they are. */
  public static String logical(String queue) {
    return isShard(queue) ? queue.substring(0, queue.lastIndexOf(SUFFIX)) : queue;
  }

  public boolean isSharded(String queue) {
    return shards.containsKey(queue);
  }

  /** The queues that hold a queue's jobs: its shards, or the queue itself. */
  public List<String> physical(String queue) {
    Integer count = shards.get(queue);
    if (count == null) {
      return List.of(queue);
    }
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(queue + SUFFIX + i);
    }
    return out;
  }

  /** Every queue of these, sharded ones replaced by their shards, in order. */
  public List<String> expand(Collection<String> queues) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    queues.forEach(q -> out.addAll(physical(q)));
    return List.copyOf(out);
  }

  /**
   * Where a queue's jobs that have no key of their own go: its first shard. Recurring jobs and
   * batch callbacks use it (one job at a time; their keys stay in one slot).
   */
  public String home(String queue) {
    return physical(queue).getFirst();
  }

  /**
   * The shard for a job: by its key when it has one (a unique job's lock digest, so equal jobs meet
   * the same lock; or a key of the caller's, so that its jobs keep their order), else the next
   * shard in turn.
   */
  public String shardFor(String queue, String key) {
    Integer count = shards.get(queue);
    if (count == null) {
      return queue;
    }
    long n = key == null ? roundRobin.getAndIncrement() : key.hashCode();
    return queue + SUFFIX + Math.floorMod(n, count);
  }

  /**
   * The fetch order of a round: the listed order, except that the shards of each queue take turns
   * coming first, so that no shard waits behind another.
   */
  public static List<String> fetchOrder(List<String> queues, long round) {
    List<String> out = new ArrayList<>(queues.size());
    int i = 0;
    while (i < queues.size()) {
      String logical = logical(queues.get(i));
      int end = i + 1;
      while (end < queues.size()
          && isShard(queues.get(end))
          && logical(queues.get(end)).equals(logical)) {
        end++;
      }
      int size = end - i;
      int start = size > 1 ? (int) Math.floorMod(round, (long) size) : 0;
      for (int k = 0; k < size; k++) {
        out.add(queues.get(i + (start + k) % size));
      }
      i = end;
    }
    return out;
  }
}
