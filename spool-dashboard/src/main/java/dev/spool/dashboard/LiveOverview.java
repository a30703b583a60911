package dev.spool.dashboard;

import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overview, read from Redis at most once a second however many pages are open: every page polls
 * it (or its stamp) and gets the same copy until it is a second old.
 */
final class LiveOverview {
  static final long MAX_AGE_NANOS = 1_000_000_000L;

  private final DashboardData data;
  private Map<String, Object> current;
  private long readAtNanos;

  LiveOverview(DashboardData data) {
    this.data = data;
  }

  /** The overview document, at most a second old. */
  synchronized Map<String, Object> get() {
    long now = System.nanoTime();
    if (current == null || now - readAtNanos >= MAX_AGE_NANOS) {
      current = read();
      readAtNanos = System.nanoTime();
    }
    return current;
  }

  /** Changes whenever anything on the overview changes; pages reload their data when it does. */
  String stamp() {
    return (String) get().get("stamp");
  }

  private Map<String, Object> read() {
    List<Object> queues = new ArrayList<>();
    long[] totals = new long[5];
    for (QueueCounts c : data.queueCounts()) {
      queues.add(Documents.queue(c));
      long[] n = {c.ready(), c.delayed(), c.processing(), c.completed(), c.dead()};
      for (int i = 0; i < n.length; i++) {
        totals[i] += n[i];
      }
    }
    List<Object> nodes = new ArrayList<>();
    for (NodeInfo n : data.nodes()) {
      List<String> jobs =
          n.alive() ? data.jobsOf(n.name()).stream().map(Object::toString).toList() : List.of();
      nodes.add(Documents.node(n, jobs));
    }
    Map<String, Object> doc =
        Documents.object(
            "namespace",
            data.namespace(),
            "queues",
            queues,
            "totals",
            Documents.object(
                "ready", totals[0],
                "delayed", totals[1],
                "processing", totals[2],
                "completed", totals[3],
                "dead", totals[4]),
            "nodes",
            nodes);
    // Heartbeat times change every few seconds without anything to show changing; leave them out.
    String content =
        Documents.write(List.of(queues, nodes.stream().map(LiveOverview::withoutClock).toList()));
    doc.put("stamp", Integer.toHexString(content.hashCode()));
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static Object withoutClock(Object node) {
    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) node);
    copy.remove("lastHeartbeat");
    return copy;
  }
}
