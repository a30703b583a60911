package dev.spool.internal.worker;

import dev.spool.internal.node.NodeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Affinity routing: lets any node take the non-strict jobs pinned to nodes that are dead or
 * saturated longer than the fallback. Idempotent; one node per queue, elected, does it.
 */
final class Router {
  private static final Logger log = LoggerFactory.getLogger(Router.class);

  private final NodeContext node;
  private final NodeRegistry registry;

  Router(NodeContext node, NodeRegistry registry) {
    this.node = node;
    this.registry = registry;
  }

  /** One pass over the nodes with jobs pinned to them in {@code queue}. */
  void runOnce(String queue) {
    long saturatedBefore = node.clock().millis() - node.settings().affinityFallback().toMillis();
    NodeRegistry.Liveness nodes = registry.liveness(saturatedBefore);
    for (String pinned : node.store().pinnedNodes(queue)) {
      if (!nodes.alive().contains(pinned) || nodes.saturated().contains(pinned)) {
        long n = node.store().route(queue, pinned);
        if (n > 0) {
          log.info("queue {}: {} jobs pinned to node {} may now run anywhere", queue, n, pinned);
        }
      }
    }
  }
}
