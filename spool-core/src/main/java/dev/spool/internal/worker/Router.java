package dev.spool.internal.worker;

import dev.spool.Monitor;
import dev.spool.internal.Micros;
import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.node.NodeRegistry.Registration;
import dev.spool.internal.queue.RedisJobStore;
import java.util.List;
import java.util.Map;
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
   * One pass over the nodes with jobs pinned to them in {@code queue}; true when a node had more to
   * route than a pass moves (the duty runs again at once, after the others due).
   */
  boolean runOnce(String queue) {
    boolean more = false;
    Map<String, Registration> live = registry.liveNodes();
    long saturatedBefore = node.clock().millis() - fallbackMs(queue, live);
    for (String pinned : node.store().pinnedNodes(queue)) {
      Registration r = live.get(pinned);
      boolean dead = !live.containsKey(pinned);
      boolean saturated =
          r != null && r.saturatedSinceMs() > 0 && r.saturatedSinceMs() < saturatedBefore;
      if (dead || saturated) {
        long n = node.store().route(queue, pinned, SLICES_PER_PASS, Micros.now(node.clock()));
        if (n > 0) {
          log.info("queue {}: {} jobs pinned to node {} may now run anywhere", queue, n, pinned);
        }
        more |= n == (long) SLICES_PER_PASS * RedisJobStore.ROUTE_SLICE;
      }
    }
    return more;
  }

  /**
   * The shortest fallback of the live nodes serving the queue: the one that applied first when
   * every node routed, so electing one router changes nothing.
   */
  private long fallbackMs(String queue, Map<String, Registration> live) {
    long shortest = node.settings().affinityFallback().toMillis();
    for (Registration r : live.values()) {
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
