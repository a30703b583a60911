package dev.spool.internal.ops;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Monitor;
import dev.spool.NodeInfo;
import dev.spool.QueueCounts;
import dev.spool.QueueSettings;
import dev.spool.Queues;
import dev.spool.QueuesSnapshot;
import dev.spool.State;
import dev.spool.Statuses;
import dev.spool.Throughput;
import dev.spool.internal.Micros;
import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.QueueShards;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link Monitor} over the job store. */
public final class StoreMonitor implements Monitor {
  private final RedisJobStore store;
  private final Statuses statuses;
  private final NodeRegistry nodes;
  private final QueueActivity activity;
  private final Clock clock;

  public StoreMonitor(RedisJobStore store, Statuses statuses, Clock clock) {
    this.store = store;
    this.statuses = statuses;
    this.clock = clock;
    this.nodes = new NodeRegistry(store.redis(), store.keys());
    this.activity = new QueueActivity(store);
  }

  @Override
  public QueuesSnapshot snapshot(List<String> queues) {
    return activity.snapshot(queues.stream().map(Queues::validate).toList());
  }

  @Override
  public List<QueueSettings> settings(List<String> queues) {
    List<CompletableFuture<QueueSettings>> calls = new ArrayList<>(queues.size());
    for (String queue : queues) {
      calls.add(store.settingsAsync(Queues.validate(queue)));
    }
    return calls.stream().map(call -> store.redis().await(call)).toList();
  }

  @Override
  public List<Throughput> throughput(List<String> queues) {
    return activity.throughput(queues.stream().map(Queues::validate).toList(), Micros.now(clock));
  }

  @Override
  public List<NodeInfo> nodes() {
    return nodes.nodes();
  }

  @Override
  public List<String> pruneNodes(Duration deadFor) {
    if (deadFor.isNegative()) {
      throw new IllegalArgumentException("deadFor must not be negative, got " + deadFor);
    }
    return nodes.forgetDead(clock.millis() - deadFor.toMillis());
  }

  @Override
  public boolean quietNode(String node) {
    return nodes.quiet(node, clock.millis());
  }

  @Override
  public boolean resumeNode(String node) {
    return nodes.resume(node);
  }

  @Override
  public List<JobId> jobsFor(String node) {
    return store.heldBy(node);
  }

  @Override
  public Map<String, List<JobId>> jobsByNode() {
    return store.held();
  }

  @Override
  public Optional<JobStatus> load(JobId id) {
    return statuses.find(id);
  }

  @Override
  public boolean destroy(JobId id) {
    Optional<JobStatus> status = statuses.find(id);
    if (status.isEmpty()) {
      return false;
    }
    JobStatus s = status.get();
    if (s.state() == State.STARTED) {
      s.requestKill();
    }
    s.forceDelete();
    return true;
  }

  @Override
  public int destroyAllJobsFor(String node) {
    int n = 0;
    for (JobId id : jobsFor(node)) {
      if (destroy(id)) {
        n++;
      }
    }
    return n;
  }

  /** The queues, each sharded queue this client declared once under its own name. */
  @Override
  public List<String> queues() {
    QueueShards shards = store.shards();
    return store.queues().stream()
        .map(q -> shards.isSharded(QueueShards.logical(q)) ? QueueShards.logical(q) : q)
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * A sharded queue's counts are the sums over its shards (each read atomically on its own), its
   * latency the longest of theirs: one round trip for all shards.
   */
  @Override
  public QueueCounts counts(String queue) {
    return activity.snapshot(List.of(Queues.validate(queue))).counts().getFirst();
  }

  @Override
  public String statusString(String queue) {
    QueueCounts c = counts(queue);
    return "R=%s D=%s P=%s/%s"
        .formatted(
            count(c.ready()), count(c.delayed()), count(c.processing()), count(c.completed()));
  }

  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  /** 999 → "999", 3420 → "3.42K", 1234567 → "1.23M", 999999 → "1.00M". */
  static String count(long n) {
    if (n < 1000) {
      return Long.toString(n);
    }
    String[] units = {"K", "M", "G", "T", "P", "E"};
    // The unit is chosen on the value as written (two decimals, rounded half up), exactly in
    // decimal: 999 999 reads "1.00M", never "1000.00K".
    BigDecimal v = BigDecimal.valueOf(n);
    int unit = -1;
    BigDecimal shown;
    do {
      unit++;
      v = v.movePointLeft(3);
      shown = v.setScale(2, RoundingMode.HALF_UP);
    } while (shown.compareTo(THOUSAND) >= 0 && unit < units.length - 1);
    return shown.toPlainString() + units[unit];
  }
}
