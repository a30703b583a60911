package dev.spool.internal.worker;

import dev.spool.Monitor;
import dev.spool.internal.Micros;
import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.node.NodeRegistry.Registration;
import dev.spool.internal.queue.RedisJobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Affinity routing: lets any node take the non-strict jobs pinned to nodes that are dead or
 * saturated longer than the fallback (the shortest of the live nodes serving the queue).
 * Idempotent; one node per queue, elected, does it.
 */
final class Router {
  private static final Logger log = LoggerFactory.getLogger(Router.class);

  private final NodeContext node;
  private final NodeRegistry registry;

  Router(NodeContext node, NodeRegistry registry) {
    this.node = node;
    this.registry = registry;
  }

  /**
   * Forgets the nodes dead for longer than {@link Monitor#DEAD_NODES_KEPT}, so the list of nodes
   * does not grow with every crash. Idempotent: any node may do it.
   */
  void forgetDeadNodes() {
    List<String> gone =
        registry.forgetDead(node.clock().millis() - Monitor.DEAD_NODES_KEPT.toMillis());
    if (!gone.isEmpty()) {
      log.info(
          "node {}: forgot the nodes dead for over {}: {}",
          node.name(),
          Monitor.DEAD_NODES_KEPT,
          gone);
    }
  }

  /**
   * Route calls a pass makes per node at most ({@link RedisJobStore#ROUTE_SLICE} jobs each): a dead
   * node with a million jobs that prefer it, or a saturated one fed faster than it is routed, does
   * not hold the maintenance thread's other duties for the whole of it.
   */
  static final int SLICES_PER_PASS = 20;

  /**
   * The live nodes read last for their fallbacks ({@link #fallbackMs}), and when (nanos): reused
   * for a reap interval, by every queue this node routes.
   */
  private Map<String, Registration> allLive;

  private long allLiveNanos;

  /**
   * One pass over the nodes with jobs pinned to them in {@code queue}; true when a node had more to
   * route than a pass moves (the duty runs again at once, after the others due). The work follows
   * the pinned names, not the registry: nothing pinned is one {@code SMEMBERS}; otherwise the
   * liveness of those names alone (one round trip). The registry as a whole (every node's fallback)
   * is read only while a pinned live node has been saturated for less than this node's fallback, at
   * most once a reap interval.
   */
  boolean runOnce(String queue) {
    Set<String> pinned = node.store().pinnedNodes(queue);
    if (pinned.isEmpty()) {
      return false;
    }
    boolean more = false;
    Map<String, Registration> live = registry.liveAmong(pinned);
    long now = node.clock().millis();
    long own = node.settings().affinityFallback().toMillis();
    long fallback = -1; // read when needed
    List<String> due = new ArrayList<>();
    for (String name : pinned) {
      Registration r = live.get(name);
      boolean dead = !live.containsKey(name);
      boolean saturated = false;
      if (r != null && r.saturatedSinceMs() > 0) {
        // The shortest fallback is at most this node's own: past it, no other need be read.
        if (r.saturatedSinceMs() < now - own) {
          saturated = true;
        } else {
          if (fallback < 0) {
            fallback = fallbackMs(queue, own);
          }
          saturated = r.saturatedSinceMs() < now - fallback;
        }
      }
      if (dead || saturated) {
        due.add(name);
      }
    }
    if (due.isEmpty()) {
      return false;
    }
    // A dead node's strict jobs keep its name pinned until it returns: no script call for those
    // names at every pass (one round trip of LLENs tells them).
    Set<String> strictOnly = node.store().strictOnly(queue, due);
    for (String name : due) {
      if (strictOnly.contains(name)) {
        continue;
      }
      long n = node.store().route(queue, name, SLICES_PER_PASS, Micros.now(node.clock()));
      if (n > 0) {
        log.info("queue {}: {} jobs pinned to node {} may now run anywhere", queue, n, name);
      }
      more |= n == (long) SLICES_PER_PASS * RedisJobStore.ROUTE_SLICE;
    }
    return more;
  }

  /**
   * The shortest fallback of the live nodes serving the queue: the one that applied first when
   * every node routed, so electing one router changes nothing.
   */
  private long fallbackMs(String queue, long own) {
    long maxAge =
        TimeUnit.MILLISECONDS.toNanos(Maintenance.reapIntervalMs(node.settings().lease()));
    if (allLive == null || System.nanoTime() - allLiveNanos > maxAge) {
      allLive = registry.liveNodes();
      allLiveNanos = System.nanoTime();
    }
    long shortest = own;
    for (Registration r : allLive.values()) {
      if (r != null
          && r.affinityFallbackMs() > 0
          && r.queues() != null
          && r.queues().contains(queue)) {
        shortest = Math.min(shortest, r.affinityFallbackMs());
      }
    }
    return shortest;
  }
}
