package dev.spool.internal.node;

import dev.spool.SpoolException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Which worker nodes are alive, as an enqueuer sees them: the registry lives in the {@code {nodes}}
 * slot, which an enqueue script (in its queue's slot) may not read, so the client decides and tells
 * the script. The registry is read lazily, only when a job pinned to a node is enqueued, and at
 * most once a second: a node that came up or died within that second may be seen as it was.
 */
public final class NodeLiveness implements Predicate<String> {
  static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final NodeRegistry registry;
  private volatile Set<String> alive;
  private volatile long readAtNanos;

  public NodeLiveness(NodeRegistry registry) {
    this.registry = registry;
  }

  /** Whether the node holds its name now (as of the last read, at most a second ago). */
  @Override
  public boolean test(String node) {
    Set<String> view = alive;
    if (view == null || System.nanoTime() - readAtNanos > REFRESH_NANOS) {
      view = refresh();
    }
    return view == null || view.contains(node);
  }

  private synchronized Set<String> refresh() {
    if (alive != null && System.nanoTime() - readAtNanos <= REFRESH_NANOS) {
      return alive; // another thread read it meanwhile
    }
    try {
      // The registry's hash has one entry per node that was alive within the last hour (dead
      // ones are forgotten after Monitor.DEAD_NODES_KEPT): small by construction.
      alive = Set.copyOf(registry.liveNodes().keySet());
      readAtNanos = System.nanoTime();
      return alive;
    } catch (SpoolException e) {
      return null; // unknown: the job waits in its node's list, and routing moves it if need be
    }
  }
}
