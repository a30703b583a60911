package dev.spool.dashboard;

import dev.spool.JobId;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.QueueSettings;
import dev.spool.QueuesSnapshot;
import dev.spool.SpoolConnectionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The overview and the change probe, read from Redis at most once a second however many pages are
 * open: every page polls one of them and gets the same copy until it is a second old.
 */
final class LiveOverview {
  static final long MAX_AGE_NANOS = 1_000_000_000L;

  /** Pause and limits set elsewhere (the command line, an application) show within this. */
  static final long CONTROLS_MAX_AGE_NANOS = 10_000_000_000L;

  private final DashboardData data;

  /**
   * Guards the fields below. Not {@code synchronized}: requests run on virtual threads, and on JDK
   * 21 a virtual thread that waits for Redis inside a monitor, or queues on one, pins its carrier:
   * with Redis frozen, a few open pages would stall every virtual thread of the JVM.
   */
  private final ReentrantLock lock = new ReentrantLock();

  private List<String> queues;
  private long namesWhenListed = -1; // the queue set's size when `queues` was read
  private QueuesSnapshot snapshot;
  private long snapshotAtNanos;

  /**
   * Each queue's pause and limits (one round trip for all, yet seldom changed): read at most every
   * {@link #CONTROLS_MAX_AGE_NANOS}, and at once after this dashboard paused or resumed a queue.
   */
  private Map<String, QueueSettings> controls = Map.of();

  private long controlsAtNanos;
  private SpoolConnectionException lastFailure;
  private long failedAtNanos;
  private Map<String, Object> current;
  private QueuesSnapshot currentFrom;
  private long readAtNanos;

  LiveOverview(DashboardData data) {
    this.data = data;
  }

  /**
   * Every queue's counts and the version, at most a second old: one round trip, the queues being
   * listed again only when their number changed (a queue replaced by another at the same moment
   * shows at the next change of their number, or at a restart).
   */
  QueuesSnapshot snapshot() {
    lock.lock();
    try {
      return snapshotLocked();
    } finally {
      lock.unlock();
    }
  }

  private QueuesSnapshot snapshotLocked() {
    long now = System.nanoTime();
    if (snapshot == null || now - snapshotAtNanos >= MAX_AGE_NANOS) {
      failFastAfterAFailedRead(now);
      try {
        QueuesSnapshot s = queues == null ? null : data.snapshot(queues);
        // A queue is new (or gone) when the set's size moved since the list was read; not when it
        // differs from the list's length, which a sharded queue's shards (each a name in the set,
        // one queue in the list) or a name no queue may have would make true on every read.
        if (s == null || s.queues() != namesWhenListed) {
          // Counted before the list is read: a queue added in between shows as a change next time.
          namesWhenListed = s == null ? -1 : s.queues();
          queues = data.queues();
          s = data.snapshot(queues);
        }
        snapshot = s;
        snapshotAtNanos = System.nanoTime();
      } catch (SpoolConnectionException e) {
        remember(e);
        throw e;
      }
    }
    return snapshot;
  }

  /** The overview document, at most a second old. */
  Map<String, Object> get() {
    lock.lock();
    try {
      return getLocked();
    } finally {
      lock.unlock();
    }
  }

  private Map<String, Object> getLocked() {
    QueuesSnapshot s = snapshotLocked();
    long now = System.nanoTime();
    if (current == null || currentFrom != s || now - readAtNanos >= MAX_AGE_NANOS) {
      failFastAfterAFailedRead(now);
      try {
        current = read(s);
      } catch (SpoolConnectionException e) {
        remember(e);
        throw e;
      }
      currentFrom = s;
      readAtNanos = System.nanoTime();
    }
    return current;
  }

  /**
   * Requests that waited on the lock while a read failed get that failure (a 503) at once instead
   * of a read of their own: with Redis stalled, each read waits out the command timeout, and the
   * pages polling behind it answered 10, 20, 30 s late, still showing "live".
   */
  private void failFastAfterAFailedRead(long now) {
    if (lastFailure != null && now - failedAtNanos < MAX_AGE_NANOS) {
      throw lastFailure;
    }
  }

  private void remember(SpoolConnectionException e) {
    lastFailure = e;
    failedAtNanos = System.nanoTime();
  }

  /** After a pause or resume from this dashboard: the next read shows it. */
  void controlsChanged() {
    lock.lock();
    try {
      controls = Map.of();
      current = null;
    } finally {
      lock.unlock();
    }
  }

  private Map<String, QueueSettings> controls(List<QueueCounts> counts) {
    long now = System.nanoTime();
    boolean stale = now - controlsAtNanos >= CONTROLS_MAX_AGE_NANOS;
    if (stale || !counts.stream().allMatch(c -> controls.containsKey(c.queue()))) {
      Map<String, QueueSettings> read = new HashMap<>();
      for (QueueSettings settings :
          data.settings(counts.stream().map(QueueCounts::queue).toList())) {
        read.put(settings.queue(), settings);
      }
      controls = read;
      controlsAtNanos = now;
    }
    return controls;
  }

  /**
   * Changes whenever a job is enqueued, succeeds or fails, or a count changes; lists reload their
   * data when it does. The snapshot alone: one round trip a second.
   */
  String stamp() {
    return stamp(snapshot());
  }

  private static String stamp(QueuesSnapshot s) {
    // QueueCounts leave their latency out of hashCode: it moves while a job waits, lists do not.
    return Long.toHexString(31 * s.version() + s.counts().hashCode());
  }

  private Map<String, Object> read(QueuesSnapshot s) {
    List<Object> queueDocs = new ArrayList<>();
    long[] totals = new long[5];
    long longestWaitMs = 0;
    Map<String, QueueSettings> states = controls(s.counts());
    for (QueueCounts c : s.counts()) {
      queueDocs.add(Documents.queue(c, states.get(c.queue())));
      longestWaitMs = Math.max(longestWaitMs, c.latency().toMillis());
      long[] n = {c.ready(), c.delayed(), c.processing(), c.completed(), c.dead()};
      for (int i = 0; i < n.length; i++) {
        totals[i] += n[i];
      }
    }
    List<Object> nodes = new ArrayList<>();
    List<NodeInfo> infos = data.nodes();
    // Every node's jobs at once: once a node, it read every queue's running jobs once a node.
    Map<String, List<JobId>> held = infos.isEmpty() ? Map.of() : data.jobsByNode();
    for (NodeInfo n : infos) {
      List<String> jobs =
          n.alive()
              ? held.getOrDefault(n.name(), List.of()).stream().map(Object::toString).toList()
              : List.of();
      nodes.add(Documents.node(n, jobs));
    }
    return Documents.object(
        "namespace",
        data.namespace(),
        "queues",
        queueDocs,
        "totals",
        Documents.object(
            "ready", totals[0],
            "delayed", totals[1],
            "processing", totals[2],
            "completed", totals[3],
            "dead", totals[4],
            "latencyMs", longestWaitMs),
        "nodes",
        nodes,
        "stamp",
        stamp(s));
  }
}
