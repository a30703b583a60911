package dev.spool.internal.worker;

import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.HeartbeatReply;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's pulse, on a thread of its own that never waits on Redis: every quarter of the lease it
 * renews the node's name and, in one call per queue, the leases of the jobs it holds. It acts on
 * the answer: a job whose lease was lost is abandoned (its outcome would be refused), a job with a
 * stored kill request is killed (the pub/sub message may have been lost in a reconnect), and an
 * operator's quiet request (or its end) is passed on to the fetcher.
 */
final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
  private static final String HOST = hostName();

  private final NodeContext node;
  private final HeldJobs held;
  private final NodeRegistry registry;
  private final String instance;
  private final long startedAtMs;
  private final ScheduledExecutorService thread;

  /** Told once that another instance took this node's name: the node must stop. */
  private final Runnable nameLost;

  /** Told at each renewal whether an operator asks the node to be quiet. */
  private final Consumer<Boolean> quietAsked;

  private final AtomicBoolean toldNameLost = new AtomicBoolean();
  private volatile long saturatedSinceMs;

  Heartbeat(
      NodeContext node,
      HeldJobs held,
      NodeRegistry registry,
      String instance,
      Runnable nameLost,
      Consumer<Boolean> quietAsked) {
    this.node = node;
    this.nameLost = nameLost;
    this.quietAsked = quietAsked;
    this.held = held;
    this.registry = registry;
    this.instance = instance;
    this.startedAtMs = node.clock().millis();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("spool-heartbeat-" + node.name()).factory());
  }

  /** Every quarter of the lease: three beats may be lost before a lease runs out. */
  long intervalMs() {
    return Math.max(50, node.settings().lease().toMillis() / 4);
  }

  /** How long a node's name outlives its last heartbeat. */
  private long nodeTimeoutMs() {
    return node.settings().lease().toMillis();
  }

  /** Claims the node's name (or throws if a live node holds it). */
  void register() {
    registry.register(node.name(), instance, nodeTimeoutMs(), registration());
  }

  void start() {
    long interval = intervalMs();
    thread.scheduleAtFixedRate(this::beat, interval, interval, TimeUnit.MILLISECONDS);
  }

  void stop() {
    thread.shutdownNow();
  }

  private void beat() {
    try {
      renewName();
      renewLeases();
      node.store().relistQueues(node.settings().queues());
    } catch (RuntimeException e) {
      node.store()
          .redis()
          .logFailure(log, "node {}: heartbeat failed: {}", node.name(), e.toString());
    }
  }

  private void renewName() {
    registry
        .renew(node.name(), instance, nodeTimeoutMs(), registration())
        .whenComplete(
            (renewal, e) -> {
              if (e != null) {
                node.store()
                    .redis()
                    .logFailure(
                        log,
                        "node {}: could not renew its registration: {}",
                        node.name(),
                        e.toString());
              } else if (renewal.ours()) {
                quietAsked.accept(renewal.quiet());
              } else if (toldNameLost.compareAndSet(false, true)) {
                // Two live nodes under one name would both run the jobs pinned to it, and
                // neither's leases could be told apart: this one, presumed dead, gives way.
                log.error(
                    "node {}: another instance took this node's name (this one was presumed dead:"
                        + " no heartbeat reached Redis for {} ms); this one stops: it fetches no"
                        + " more jobs and hands back those it holds",
                    node.name(),
                    nodeTimeoutMs());
                nameLost.run();
              }
            });
  }

  private void renewLeases() {
    Map<String, Map<Long, RunningJob>> byQueue = new HashMap<>();
    for (RunningJob job : held.all()) {
      byQueue.computeIfAbsent(job.id().queue(), q -> new HashMap<>()).put(job.id().number(), job);
    }
    long leaseMs = node.settings().lease().toMillis();
    byQueue.forEach(
        (queue, jobs) -> {
          List<FetchedJob> fetched = new ArrayList<>(jobs.size());
          for (RunningJob job : jobs.values()) {
            fetched.add(job.job());
          }
          node.store()
              .heartbeat(queue, node.name(), leaseMs, fetched)
              .whenComplete(
                  (reply, e) -> {
                    if (e != null) {
                      node.store()
                          .redis()
                          .logFailure(
                              log, "node {}: heartbeat failed: {}", node.name(), e.toString());
                    } else {
                      act(jobs, reply);
                    }
                  });
        });
  }

  private void act(Map<Long, RunningJob> sent, HeartbeatReply reply) {
    for (long number : reply.lost()) {
      RunningJob job = sent.get(number);
      if (job != null && job.abandon()) {
        held.forget(job); // no more renewals; its slot is freed when its handler ends
        log.warn(
            "node {}: lost the lease of {} (recovered elsewhere or removed): interrupting it, its"
                + " outcome would be refused",
            node.name(),
            job);
      }
    }
    for (long number : reply.killRequested()) {
      RunningJob job = sent.get(number);
      if (job != null && !job.isKillRequested()) {
        log.info("node {}: kill requested for {} (found by the heartbeat)", node.name(), job);
        job.requestKill();
      }
    }
  }

  private NodeRegistry.Registration registration() {
    long now = node.clock().millis();
    List<String> queues = new ArrayList<>(node.settings().queues());
    return new NodeRegistry.Registration(
        HOST,
        ProcessHandle.current().pid(),
        queues,
        node.settings().concurrency(),
        held.size(),
        startedAtMs,
        now,
        saturatedSince(now),
        node.settings().affinityFallback().toMillis());
  }

  /** Since when every slot has been taken, or 0 while the node has room. */
  private long saturatedSince(long now) {
    if (held.size() < node.settings().concurrency()) {
      saturatedSinceMs = 0;
    } else if (saturatedSinceMs == 0) {
      saturatedSinceMs = now;
    }
    return saturatedSinceMs;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
