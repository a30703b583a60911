package dev.spool.internal.worker;

import dev.spool.internal.redis.QueueShards;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How a node shares its free slots among its queues: in strict order (the first queue's jobs first,
 * the next only when it is empty), or by weight, so that with every queue full each gets its
 * weight's share of the jobs started and no queue starves.
 *
 * <p>A weighted plan gives each queue {@code want × weight / total} slots, rounding the fractions
 * at random so that the shares add up to {@code want} and hold on average even when one slot is
 * free at a time, then offers what a queue could not use to the others in a weighted random order.
 */
public final class FetchOrder {
  private final List<String> queues;
  private final int[] weights; // null: strict order
  private final long total;

  private FetchOrder(List<String> queues, int[] weights) {
    this.queues = List.copyOf(queues);
    this.weights = weights;
    long sum = 0;
    if (weights != null) {
      for (int w : weights) {
        sum += w;
      }
    }
    this.total = sum;
  }

  public static FetchOrder strict(List<String> queues) {
    return new FetchOrder(queues, null);
  }

  /** Queues with their weights (each at least 1), in the same order. */
  public static FetchOrder weighted(List<String> queues, List<Integer> weights) {
    if (queues.size() != weights.size()) {
      throw new IllegalArgumentException("one weight per queue");
    }
    int[] w = new int[weights.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights.get(i);
      if (w[i] < 1) {
        throw new IllegalArgumentException("weight of queue '" + queues.get(i) + "' must be >= 1");
      }
    }
    return new FetchOrder(queues, w);
  }

  public List<String> queues() {
    return queues;
  }

  /**
   * This order with each sharded queue replaced by its shards. In strict order the shards of a
   * queue take turns coming first; by weight each shard gets an equal part of its queue's weight
   * (all weights scaled so that the parts stay whole numbers).
   */
  public FetchOrder withShards(QueueShards shards) {
    if (queues.stream().noneMatch(shards::isSharded)) {
      return this;
    }
    if (weights == null) {
      return strict(shards.expand(queues));
    }
    long scale = 1;
    for (String q : queues) {
      scale = lcm(scale, shards.physical(q).size());
    }
    List<String> physical = new ArrayList<>();
    List<Integer> physicalWeights = new ArrayList<>();
    for (int i = 0; i < queues.size(); i++) {
      List<String> parts = shards.physical(queues.get(i));
      for (String part : parts) {
        physical.add(part);
        physicalWeights.add(Math.toIntExact(weights[i] * scale / parts.size()));
      }
    }
    return weighted(physical, physicalWeights);
  }

  private static long lcm(long a, long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return a / x * b;
  }

  public boolean isWeighted() {
    return weights != null;
  }

  /** The queue's weight; 0 in strict order. */
  public int weight(String queue) {
    int i = queues.indexOf(queue);
    return weights == null || i < 0 ? 0 : weights[i];
  }

  /** One step of a fetch round: ask this queue for at most this many jobs. */
  public record Step(String queue, int max) {}

  /**
   * The first pass of round number {@code round} for {@code want} free slots: strict order asks
   * each queue for all of them in turn (the shards of a sharded queue taking turns coming first);
   * weighted order gives each its share.
   */
  public List<Step> shares(int want, RandomGenerator random, long round) {
    List<Step> steps = new ArrayList<>(queues.size());
    if (weights == null) {
      for (String q : QueueShards.fetchOrder(queues, round)) {
        steps.add(new Step(q, want));
      }
      return steps;
    }
    // Systematic sampling: the fractional parts, laid end to end, are cut at one random offset
    // and every `total` after it, so the shares add up to `want` exactly and each queue gets its
    // extra slot with the probability of its fraction.
    long offset = random.nextLong(total);
    long end = 0;
    for (int i = 0; i < weights.length; i++) {
      long exact = (long) want * weights[i];
      long start = end;
      end += exact % total;
      int share = (int) (exact / total + cuts(end, offset) - cuts(start, offset));
      if (share > 0) {
        steps.add(new Step(queues.get(i), share));
      }
    }
    return steps;
  }

  /** How many of the cuts at offset, offset + total, offset + 2 total ... lie below x. */
  private long cuts(long x, long offset) {
    return Math.max(0, Math.ceilDiv(x - offset, total));
  }

  /**
   * The queues in which a weighted round offers slots left over by its shares: a weighted random
   * order, each queue drawn with the probability of its weight among those not drawn yet. Empty in
   * strict order (its first pass already asked every queue for every slot).
   */
  public List<String> leftoverOrder(RandomGenerator random) {
    if (weights == null) {
      return List.of();
    }
    List<Integer> left = new ArrayList<>(queues.size());
    long remaining = total;
    for (int i = 0; i < queues.size(); i++) {
      left.add(i);
    }
    List<String> order = new ArrayList<>(queues.size());
    while (!left.isEmpty()) {
      long pick = random.nextLong(remaining);
      for (int j = 0; j < left.size(); j++) {
        int i = left.get(j);
        pick -= weights[i];
        if (pick < 0) {
          order.add(queues.get(i));
          remaining -= weights[i];
          left.remove(j);
          break;
        }
      }
    }
    return order;
  }
}
