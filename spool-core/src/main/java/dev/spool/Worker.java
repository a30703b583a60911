package dev.spool;

import dev.spool.internal.observe.Observers;
import dev.spool.internal.worker.FetchOrder;
import dev.spool.internal.worker.HandlerRegistry;
import dev.spool.internal.worker.WorkerNode;
import dev.spool.internal.worker.WorkerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A named worker node: fetches jobs from its queues in the listed order and runs them on virtual
 * threads (or platform threads: {@link Builder#platformThreads()}), at most {@code concurrency} at
 * once. Each job it holds has a lease in Redis, renewed in one batch for all of them; if the node
 * dies, the lease runs out and another node runs the job.
 *
 * <pre>{@code
 * try (Worker worker = spool.worker("node-1").queues("mail").concurrency(64)
 *     .handle(SEND_EMAIL, (job, email) -> send(email)).start()) { ... }
 * }</pre>
 */
public final class Worker implements AutoCloseable {
  private final WorkerNode node;

  private Worker(WorkerNode node) {
    this.node = node;
  }

  public String name() {
    return node.name();
  }

  /** How many jobs this node holds now (running, or finished and being acknowledged). */
  public int busy() {
    return node.busy();
  }

  /** At most this many handlers run at once: its {@link Builder#concurrency}. */
  public int concurrency() {
    return node.concurrency();
  }

  /** How many handlers run now: the jobs a {@link #stop} would wait for. */
  public int running() {
    return node.running();
  }

  /**
   * Stops gracefully: no new jobs are fetched, running jobs may finish until the shutdown timeout,
   * the rest are interrupted and handed back to their queue at once (not left to their lease). Same
   * as {@link #stop()}, without the summary.
   */
  @Override
  public void close() {
    node.close();
  }

  /**
   * Stops gracefully with the {@linkplain Builder#shutdownTimeout shutdown timeout}; see {@link
   * #stop(Duration)}.
   */
  public StopSummary stop() {
    return node.close();
  }

  /**
   * Stops gracefully: no new jobs are fetched; running handlers may finish for up to {@code
   * timeout} ({@link Duration#ZERO}: not at all); those still running then are interrupted and
   * their jobs handed back to their queue at once, without using an attempt (but for a job handed
   * back at {@linkplain Builder#maxHandBacks maxHandBacks} stops already); outcomes are written
   * (for up to 10 s more); the node leaves the registry. Returns what became of the jobs that were
   * running.
   *
   * <p>A call while the node is stopping (from another thread: a second Ctrl-C) hurries that stop:
   * its timeout counts if it ends sooner, outcomes not written within a second are left to their
   * lease, and the call returns the same summary once the stop is over. A call after the stop
   * returns its summary at once.
   */
  public StopSummary stop(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    return node.stop(timeout);
  }

  /**
   * Completes when the node has stopped: by a stop call, or by itself when another instance took
   * its name (this one had been presumed dead: no heartbeat reached Redis for a lease), since two
   * live nodes of one name would both run the jobs pinned to it.
   */
  public CompletableFuture<StopSummary> whenStopped() {
    return node.stopped();
  }

  /** Whether a stop has begun (the jobs it will count are known), for tests. */
  boolean isStopping() {
    return node.stopBegun();
  }

  /** Runs the stager once now (delayed jobs, recurring ticks), for tests with a manual clock. */
  void stageNow() {
    node.stageNow();
  }

  /** Simulates a crash, for tests: stops at once, acknowledging and handing back nothing. */
  void halt() {
    node.halt();
  }

  /**
   * How many batches of a maintenance duty (reap, route, prune, sweep) this node ran as its leader.
   */
  long maintenanceCalls(String duty) {
    return node.maintenanceCalls(duty);
  }

  /** How many passes over the schedule (delayed jobs, recurring ticks) this node began. */
  long stagerPasses() {
    return node.stagerPasses();
  }

  /** Configures a node; {@link #start()} starts it. */
  public static final class Builder {
    /** Defaults to 10 handlers at once. */
    public static final int DEFAULT_CONCURRENCY = 10;

    /** The most handlers a node runs at once. */
    public static final int MAX_CONCURRENCY = 10_000;

    /** The shortest lease: a quarter of it between heartbeats leaves room for a round trip. */
    public static final Duration MIN_LEASE = Duration.ofMillis(300);

    /**
     * Defaults to 10 s: how long a job stays held without a heartbeat from its node, and so about
     * how soon the jobs of a node that died run again elsewhere. The heartbeat, on a thread of its
     * own, renews the leases every quarter of it, however long a job runs; the reaper looks for
     * expired leases every quarter of it, at most every second.
     */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

    /**
     * Defaults to 1 s: a job pinned (not strictly) to a node that has been saturated this long may
     * run on any node, as job_reactor's distributor looks for another node at once when the given
     * one is busy. A node's saturation is seen at its heartbeat (every quarter of the lease), and
     * the routing node checks every second. A dead node's pinned jobs may run anywhere at once.
     */
    public static final Duration DEFAULT_AFFINITY_FALLBACK = Duration.ofSeconds(1);

    /**
     * Defaults to 25 s: how long {@link Worker#close()} and {@link Worker#stop()} let running jobs
     * finish.
     */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);

    /**
     * Defaults to 3: how many times a job may be handed back at a node's stop (its handler still
     * running at the shutdown timeout) without using an attempt. The next hand-back ends its
     * attempt as abandoned, as an expired lease does (attempt + 1, or the dead set when its retry
     * policy leaves none), so that a job that outlives every stop, or makes its node stop (it
     * exhausts its memory, say), does not restart forever: BullMQ's {@code maxStalledCount},
     * Sidekiq Pro's poison pills.
     */
    public static final int DEFAULT_MAX_HAND_BACKS = 3;

    /** The most {@link #maxHandBacks} allows. */
    public static final int MAX_HAND_BACKS = 1_000;

    private final String name;
    private final Function<WorkerSettings, WorkerNode> factory;
    private final LinkedHashSet<String> queues = new LinkedHashSet<>();
    private final Map<String, Integer> weights = new HashMap<>();
    private final HandlerRegistry handlers = new HandlerRegistry();
    private int concurrency = DEFAULT_CONCURRENCY;
    private Duration lease = DEFAULT_LEASE;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration affinityFallback = DEFAULT_AFFINITY_FALLBACK;
    private boolean platformThreads;
    private int maxHandBacks = DEFAULT_MAX_HAND_BACKS;

    Builder(String name, Function<WorkerSettings, WorkerNode> factory) {
      this.name = NodeNames.check(name, "worker name"); // a name jobs can be pinned to
      this.factory = factory;
    }

    /**
     * The queues to fetch from, first listed first. Defaults to the queues of the handled job
     * types, in registration order.
     */
    public Builder queues(String... queues) {
      for (String q : queues) {
        this.queues.add(Queues.validate(q));
      }
      return this;
    }

    /**
     * Adds a queue with a weight: once any queue has one, the node fetches by weight instead of in
     * strict order. With every queue full, each queue's share of the jobs started is its weight
     * over the sum of the weights ({@code critical=6, default=3, low=1}: 60 %, 30 %, 10 %); a queue
     * with no jobs leaves its share to the others, so none waits for another to empty. Queues added
     * with {@link #queues} weigh 1.
     */
    public Builder queue(String queue, int weight) {
      if (weight < 1 || weight > 1_000) {
        throw new IllegalArgumentException(
            "weight of queue '" + queue + "' must be in [1, 1000], got " + weight);
      }
      this.queues.add(Queues.validate(queue));
      this.weights.put(queue, weight);
      return this;
    }

    /**
     * Adds queues as a list writes them, {@code name} or {@code name=weight} ({@link
     * Queues.Entry}): in strict order if no entry gives a weight, else by weight, the entries that
     * give none weighing 1.
     *
     * @throws IllegalArgumentException for an entry {@link Queues.Entry#parse} refuses, or a queue
     *     listed twice
     */
    public Builder queueList(List<String> entries) {
      List<Queues.Entry> parsed = entries.stream().map(Queues.Entry::parse).toList();
      Set<String> seen = new HashSet<>();
      boolean weighted = false;
      for (Queues.Entry e : parsed) {
        if (!seen.add(e.name())) {
          throw new IllegalArgumentException(
              "'" + e.name() + "' is listed twice: list each queue once");
        }
        weighted |= e.weighted();
      }
      for (Queues.Entry e : parsed) {
        if (weighted) {
          queue(e.name(), Math.max(1, e.weight()));
        } else {
          queues(e.name());
        }
      }
      return this;
    }

    /** At most this many handlers run at once. See {@link #DEFAULT_CONCURRENCY}. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "concurrency must be in [1, " + MAX_CONCURRENCY + "], got " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * See {@link #DEFAULT_LEASE}. Heartbeats renew leases every quarter of it; the node's name is
     * held as long (a node restarted under the name of a node that died on the same host takes it
     * over at once).
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(MIN_LEASE) < 0) {
        throw new IllegalArgumentException(
            "lease must be at least " + MIN_LEASE.toMillis() + " ms, got " + lease);
      }
      this.lease = JobOptions.notTooLong(lease, "lease");
      return this;
    }

    /** See {@link #DEFAULT_SHUTDOWN_TIMEOUT}. */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + timeout);
      }
      this.shutdownTimeout = JobOptions.notTooLong(timeout, "shutdownTimeout");
      return this;
    }

    /**
     * See {@link #DEFAULT_MAX_HAND_BACKS}. Counts every node's stops, over the job's life until it
     * is retried by hand from the dead set; once a job reached it, each later hand-back at a stop
     * uses an attempt. 0: every hand-back at a stop uses an attempt. A job handed back because its
     * fetch's answer was lost never reached a handler and is not counted.
     */
    public Builder maxHandBacks(int maxHandBacks) {
      if (maxHandBacks < 0 || maxHandBacks > MAX_HAND_BACKS) {
        throw new IllegalArgumentException(
            "maxHandBacks must be in [0, " + MAX_HAND_BACKS + "], got " + maxHandBacks);
      }
      this.maxHandBacks = maxHandBacks;
      return this;
    }

    /**
     * See {@link #DEFAULT_AFFINITY_FALLBACK}. The node routing a queue (one is elected) applies the
     * shortest fallback of the live nodes serving it.
     */
    public Builder affinityFallback(Duration fallback) {
      this.affinityFallback = JobOptions.positive(fallback, "affinityFallback");
      return this;
    }

    /**
     * Runs handlers on platform threads (a pool that grows to the concurrency) instead of a virtual
     * thread each. For handlers that keep a CPU busy: a virtual thread is not taken off its carrier
     * while it computes, so handlers that compute for long can hold every carrier (as many as
     * cores), and the other jobs the node holds wait, unstarted, with their timeouts running.
     * Platform threads are time-sliced by the OS; each costs a stack of its own, so keep the
     * concurrency to what the work needs.
     */
    public Builder platformThreads() {
      this.platformThreads = true;
      return this;
    }

    /** Runs jobs of this type with this handler. One handler per type. */
    public <A> Builder handle(JobType<A> type, Handler<A> handler) {
      handlers.register(type, handler);
      return this;
    }

    /**
     * Runs after the type's handler succeeded, after earlier callbacks, on this node. Register the
     * handler first.
     */
    public <A> Builder onSuccess(JobType<A> type, Callback<A> callback) {
      handlers.onSuccess(type, callback);
      return this;
    }

    /** Runs after an attempt of the type failed, after earlier errbacks, on this node. */
    public <A> Builder onFailure(JobType<A> type, Errback<A> errback) {
      handlers.onFailure(type, errback);
      return this;
    }

    /** Starts fetching; returns the running node. */
    public Worker start() {
      List<String> fetchOrder = new ArrayList<>(queues);
      if (fetchOrder.isEmpty()) {
        fetchOrder.addAll(handlers.queues());
      }
      if (fetchOrder.isEmpty()) {
        throw new IllegalStateException(
            "worker '" + name + "' has no queue: call queues(...) or handle(...) first");
      }
      FetchOrder order =
          weights.isEmpty()
              ? FetchOrder.strict(fetchOrder)
              : FetchOrder.weighted(
                  fetchOrder, fetchOrder.stream().map(q -> weights.getOrDefault(q, 1)).toList());
      WorkerSettings settings =
          new WorkerSettings(
              name,
              order,
              concurrency,
              lease,
              shutdownTimeout,
              affinityFallback,
              platformThreads,
              maxHandBacks,
              handlers,
              Observers.NONE,
              Retry.DEFAULT);
      WorkerNode node = factory.apply(settings);
      node.start();
      return new Worker(node);
    }
  }
}
