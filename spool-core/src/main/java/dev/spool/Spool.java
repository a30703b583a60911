package dev.spool;

import dev.spool.internal.Micros;
import dev.spool.internal.node.NodeLiveness;
import dev.spool.internal.node.NodeRegistry;
import dev.spool.internal.observe.Observers;
import dev.spool.internal.ops.StoreDeadJobs;
import dev.spool.internal.ops.StoreMonitor;
import dev.spool.internal.ops.StoreQueueControl;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.QueueShards;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.RedisUriCheck;
import dev.spool.internal.redis.ReplicaWait;
import dev.spool.internal.redis.TlsTrust;
import dev.spool.internal.schedule.RecurringStore;
import dev.spool.internal.status.StatusStore;
import dev.spool.internal.worker.WorkerNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The entry point: enqueues jobs, starts worker nodes, and reads the state of the queues. One per
 * application; thread-safe; closing it closes the workers it started.
 *
 * <pre>{@code
 * try (Spool spool = Spool.connect("redis://localhost:6379")) {
 *   JobId id = spool.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
 * }
 * }</pre>
 */
public final class Spool implements JobClient, AutoCloseable {
  private final Settings settings;
  private final RedisConnection redis;
  private final RedisJobStore store;
  private final Enqueuer enqueuer;
  private final Monitor monitor;
  private final DeadJobs deadJobs;
  private final StatusStore statusStore;
  private final StoreStatuses statuses;
  private final Outcomes outcomes;
  private final RecurringStore recurring;
  private final List<WorkerNode> workers = new CopyOnWriteArrayList<>();

  private Spool(Settings settings) {
    this.settings = settings;
    this.redis =
        RedisConnection.open(
            settings.uri, settings.commandTimeout, settings.tlsTrust, settings.replicaWait);
    try {
      redis.requireChannels(settings.namespace);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
    this.store =
        new RedisJobStore(
            redis,
            new Keys(settings.namespace, settings.shards),
            settings.retention,
            settings.deadJobsMaxSize,
            settings.deadJobsMaxAge,
            settings.keepSucceeded);
    this.enqueuer =
        new Enqueuer(
            store,
            redis,
            settings.clock,
            settings.maxPayloadBytes,
            settings.uniqueLockTtl,
            new NodeLiveness(new NodeRegistry(redis, store.keys())));
    enqueuer.observers(settings.observers);
    enqueuer.defaultRetry(settings.defaultRetry);

    this.deadJobs = new StoreDeadJobs(store, settings.clock);
    this.statusStore =
        new StatusStore(redis, store.keys(), RedisJobStore.expirySeconds(settings.retention));
    this.statuses = new StoreStatuses(statusStore, store, settings.clock);
    this.outcomes =
        new Outcomes(redis, settings.namespace, statuses, settings.outcomeRecheckInterval);
    this.monitor = new StoreMonitor(store, statuses, settings.clock);
    this.recurring = new RecurringStore(redis, store.keys());
  }

  /** Connects with every other setting at its default. */
  public static Spool connect(String redisUri) {
    return builder().redis(redisUri).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Enqueues a job on its type's queue, ready at once. */
  @Override
  public <A> JobId enqueue(JobType<A> type, A args) {
    return enqueue(type, args, JobOptions.NONE);
  }

  /**
   * Enqueues a job with per-job options. A unique job that meets a held lock is not queued: with
   * {@link OnConflict#REJECT} this returns the id of the job that holds the lock ({@link
   * #tryEnqueue} tells the two apart); with {@link OnConflict#RAISE} it throws.
   *
   * @throws PayloadTooLargeException if its JSON arguments are over the limit
   * @throws UniqueJobConflictException if the job is unique, its lock is held and it raises
   * @throws SpoolConnectionException if Redis cannot be reached: the job was not queued
   * @throws EnqueueOutcomeUnknownException if Redis got the job but no answer came back in time (or
   *     the connection dropped): the job may have been queued
   * @throws EnqueueNotReplicatedException with {@link Builder#waitForReplicas}, if too few replicas
   *     confirmed the job in time: it is queued on the master, but a failover could lose it
   * @throws RedisOutOfMemoryException if Redis is at maxmemory: the job was not queued
   */
  @Override
  public <A> JobId enqueue(JobType<A> type, A args, JobOptions options) {
    return enqueueAll(type, List.of(args), options).getFirst();
  }

  /** Enqueues a job on its type's queue and says whether it was accepted. */
  @Override
  public <A> EnqueueResult tryEnqueue(JobType<A> type, A args) {
    return tryEnqueue(type, args, JobOptions.NONE);
  }

  /**
   * Enqueues a job and says whether it was accepted or which job holds its unique lock. Never
   * throws {@link UniqueJobConflictException}.
   */
  @Override
  public <A> EnqueueResult tryEnqueue(JobType<A> type, A args, JobOptions options) {
    return enqueuer.enqueueAll(check(type, options), List.of(args), options).getFirst();
  }

  /**
   * Enqueues many jobs of one type at once, pipelined; returns their ids in order (for a unique job
   * rejected on a conflict, the id of the job that holds the lock).
   *
   * @throws UniqueJobConflictException on the first conflict of a unique type that raises; the jobs
   *     without conflict are queued all the same
   * @throws PartialEnqueueException if more than one chunk (of 250 jobs) was sent and some failed,
   *     or a job after the first chunk could not be encoded (over the payload limit, say; its chunk
   *     and those after it are not sent): it carries the ids of the jobs queued and tells which
   *     were not and which may have been; with one chunk, or a job of the first chunk that cannot
   *     be encoded (nothing sent), the exceptions of {@link #enqueue(JobType, Object, JobOptions)}
   */
  @Override
  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args) {
    return enqueueAll(type, args, JobOptions.NONE);
  }

  @Override
  public <A> List<JobId> enqueueAll(JobType<A> type, List<? extends A> args, JobOptions options) {
    Objects.requireNonNull(args, "args");
    if (args.isEmpty()) {
      return List.of();
    }
    List<EnqueueResult> results = enqueuer.enqueueAll(check(type, options), args, options);
    Unique<?> unique = Enqueuer.uniqueOf(type, options);
    if (unique != null && unique.conflict() == OnConflict.RAISE) {
      for (EnqueueResult r : results) {
        if (!r.accepted()) {
          throw new UniqueJobConflictException(type.name(), r.jobId());
        }
      }
    }
    return results.stream().map(EnqueueResult::jobId).toList();
  }

  /**
   * Enqueues many jobs, each with its own type, arguments and options, pipelined in chunks per
   * queue; says for each, in order, whether it was accepted or which job holds its unique lock.
   *
   * @throws PartialEnqueueException if more than one chunk was sent and some failed, or a job could
   *     not be encoded after others were sent (indexes are those of {@code jobs}); with one chunk,
   *     or when nothing was sent, the exceptions of {@link #enqueue(JobType, Object, JobOptions)}
   */
  @Override
  public List<EnqueueResult> tryEnqueueAll(List<? extends JobSpec<?>> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    if (jobs.isEmpty()) {
      return List.of();
    }
    return enqueuer.enqueueEach(jobs);
  }

  private static <A> JobType<A> check(JobType<A> type, JobOptions options) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
    return type;
  }

  /**
   * Removes a job that is queued or delayed; its state becomes killed.
   *
   * @return true if removed; false if no such job exists or it is running or finished
   */
  @Override
  public boolean cancel(JobId id) {
    return store.cancel(Objects.requireNonNull(id, "id"), Micros.now(settings.clock)) == 1;
  }

  /**
   * Runs a delayed job now: one waiting for its delay, its {@code runAt} or its next retry becomes
   * ready at once, ahead of nothing (it joins the end of its queue).
   *
   * @return true if it was waiting; false if there is no such job, or it is not waiting (queued,
   *     running or finished)
   */
  public boolean runNow(JobId id) {
    return store.promote(Objects.requireNonNull(id, "id"), Micros.now(settings.clock)) == 1;
  }

  /** Configures a worker node with this name; {@link Worker.Builder#start()} starts it. */
  public Worker.Builder worker(String name) {
    return new Worker.Builder(
        name,
        workerSettings -> {
          WorkerNode node =
              new WorkerNode(
                  workerSettings
                      .of(settings.observers, settings.defaultRetry)
                      .withShards(settings.shards),
                  store,
                  statusStore,
                  statuses::findOrUnknown,
                  settings.clock,
                  settings.retention);
          workers.add(node);
          return node;
        });
  }

  public Monitor monitor() {
    return monitor;
  }

  public DeadJobs deadJobs() {
    return deadJobs;
  }

  /** Pause, resume and the state of one queue (see docs/flow-control.md). */
  public QueueControl queue(String name) {
    return new StoreQueueControl(store, settings.clock, name, monitor::nodes);
  }

  /**
   * Creates or replaces the recurring job {@code name}: on each tick of the schedule, exactly one
   * node enqueues an ordinary job of this type with these args (retries, statuses and uniqueness
   * apply). Ticks missed while no node ran fire once, when one is back. Workers serving the job
   * type's queue run the ticks.
   */
  public <A> void recurring(String name, Schedule schedule, JobType<A> type, A args) {
    recurring(name, schedule, type, args, JobOptions.NONE);
  }

  /**
   * As {@link #recurring(String, Schedule, JobType, Object)}, each tick's job with these options:
   * node affinity, priority, queue, retry, timeout and uniqueness apply as to an enqueue.
   *
   * @throws IllegalArgumentException for {@code delay}, {@code runAt}, {@code ttl} or {@code
   *     expiresAt}, which no tick could honour
   */
  public <A> void recurring(
      String name, Schedule schedule, JobType<A> type, A args, JobOptions options) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException(
          "invalid recurring job name '" + name + "': 1 to 200 chars");
    }
    Objects.requireNonNull(schedule, "schedule");
    var definition = enqueuer.recurringDefinition(type, args, options, schedule);
    String queue = settings.shards.home(options.queue().orElse(type.queue()));
    store.registerQueue(queue);
    long next = schedule.next(settings.clock.instant()).toEpochMilli();
    recurring.set(name, queue, definition, next);
  }

  /** Removes a recurring job (jobs it enqueued stay); false if there is none of that name. */
  public boolean cancelRecurring(String name) {
    return recurring.cancel(Objects.requireNonNull(name, "name"));
  }

  /**
   * Fires the recurring job {@code name} as soon as a worker node of its queue can: its next run
   * becomes now, and the runs after it follow its schedule from there.
   *
   * @return false if there is no recurring job of that name
   */
  public boolean triggerRecurring(String name) {
    return recurring.triggerNow(Objects.requireNonNull(name, "name"), settings.clock.millis());
  }

  /** Every recurring job with its last and next run, by name. */
  public List<RecurringJob> recurringJobs() {
    return recurring.list();
  }

  /** Starts describing a batch of jobs; see {@link Batch}. */
  public Batch.Builder batch() {
    return new Batch.Builder(store, enqueuer, settings.clock, settings.batchSubmitLease);
  }

  /**
   * The batch with this id ({@link Batch#id()}, {@code queue:token}).
   *
   * @throws IllegalArgumentException if the id is malformed
   */
  public Batch batch(String id) {
    int colon = id == null ? -1 : id.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a batch id: '" + id + "' (expected queue:token)");
    }
    String queue = Queues.validate(id.substring(0, colon));
    store.keys().queue(queue).batch(id.substring(colon + 1)); // validates the token
    return new Batch(store, queue, id.substring(colon + 1));
  }

  /** A distributed job with this token and the {@link DistributedJob#DEFAULT_TTL default} TTL. */
  public DistributedJob distributedJob(String token) {
    return distributedJob(token, DistributedJob.DEFAULT_TTL);
  }

  /** A distributed job with this token, whose keys live this long after each change. */
  public DistributedJob distributedJob(String token, Duration ttl) {
    return new DistributedJob(redis, store.keys().distributedJob(token), token, ttl);
  }

  /**
   * A future that completes when the job succeeds, fails for good (dies) or is killed, with the
   * result its handler put and its errors. Pushed over pub/sub, not polled; the outcome is read
   * from the job's status, so it also works for a job that ended before the call, or that another
   * process enqueued — as long as the status is retained. Completes exceptionally if there is no
   * such job. A lost message (the subscription was down when the job ended) delays it by at most
   * {@link Builder#outcomeRecheckInterval}: pending futures re-read their job's status then, and
   * after every reconnect.
   */
  public java.util.concurrent.CompletableFuture<JobOutcome> outcome(JobId id) {
    Objects.requireNonNull(id, "id");
    return settings.observers.aroundOutcome(id, outcomes.await(id));
  }

  /** The status of every job, and statuses for work run by anything else. */
  public Statuses statuses() {
    return statuses;
  }

  public String namespace() {
    return settings.namespace;
  }

  /** Closes the workers started through this instance (gracefully), then the connections. */
  @Override
  public void close() {
    workers.forEach(WorkerNode::close);
    outcomes.close();
    redis.close();
  }

  private record Settings(
      String uri,
      String namespace,
      Clock clock,
      int maxPayloadBytes,
      Duration retention,
      long deadJobsMaxSize,
      Duration deadJobsMaxAge,
      Duration commandTimeout,
      Duration uniqueLockTtl,
      Retry defaultRetry,
      Duration batchSubmitLease,
      Duration outcomeRecheckInterval,
      TlsTrust tlsTrust,
      boolean keepSucceeded,
      ReplicaWait replicaWait,
      Observers observers,
      QueueShards shards) {}

  /** Settings of a {@link Spool}; only {@link #redis} is required. */
  public static final class Builder {
    /** Defaults to "spool": the prefix of every key. */
    public static final String DEFAULT_NAMESPACE = "spool";

    /** Defaults to 512 KiB of JSON arguments per job. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 512 * 1024;

    /** Defaults to 7 days: how long finished jobs keep their status. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    /**
     * Defaults to 1 minute: how long a {@link Batch.Builder#submit()} may go without renewing its
     * claim to its batch (it renews it six times as often while it runs) before a worker node of
     * the batch's queue takes it for dead and settles the batch: its parts not enqueued by then
     * count as failed, so that the batch completes.
     */
    public static final Duration DEFAULT_BATCH_SUBMIT_LEASE = Duration.ofMinutes(1);

    /** Defaults to 10 000 dead jobs per queue; the oldest are deleted beyond. */
    public static final long DEFAULT_DEAD_JOBS_MAX_SIZE = 10_000;

    /**
     * Defaults to 10 minutes: a unique lock expires this long after its job's due time (or, for
     * {@link Unique.Lock#WHILE_EXECUTING}, its start) unless its {@link Unique#ttl} says otherwise.
     */
    public static final Duration DEFAULT_UNIQUE_LOCK_TTL = Duration.ofMinutes(10);

    /**
     * Defaults to 10 s: how often the stored status of pending {@link Spool#outcome} futures is
     * read again, in case their pub/sub message was lost (one pipelined look-up per round).
     */
    public static final Duration DEFAULT_OUTCOME_RECHECK_INTERVAL = Duration.ofSeconds(10);

    /**
     * Defaults to 10 s: a Redis command not answered by then fails ({@link
     * EnqueueOutcomeUnknownException} for an enqueue).
     */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = RedisConnection.DEFAULT_COMMAND_TIMEOUT;

    /** Defaults to 180 days; older dead jobs are deleted. */
    public static final Duration DEFAULT_DEAD_JOBS_MAX_AGE = Duration.ofDays(180);

    private String uri;
    private String namespace = DEFAULT_NAMESPACE;
    private Clock clock = Clock.systemUTC();
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private Duration retention = DEFAULT_RETENTION;
    private long deadJobsMaxSize = DEFAULT_DEAD_JOBS_MAX_SIZE;
    private Duration deadJobsMaxAge = DEFAULT_DEAD_JOBS_MAX_AGE;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration uniqueLockTtl = DEFAULT_UNIQUE_LOCK_TTL;
    private Retry defaultRetry = Retry.DEFAULT;
    private Duration batchSubmitLease = DEFAULT_BATCH_SUBMIT_LEASE;
    private Duration outcomeRecheckInterval = DEFAULT_OUTCOME_RECHECK_INTERVAL;
    private TlsTrust tlsTrust;
    private boolean keepSucceeded = true;
    private ReplicaWait replicaWait = ReplicaWait.NONE;
    private final List<JobListener> listeners = new ArrayList<>();
    private final List<JobInterceptor> interceptors = new ArrayList<>();
    private final Map<String, Integer> shards = new TreeMap<>();

    private Builder() {}

    /**
     * {@code redis://[:password@]host:port[/db]}, or {@code rediss://…} for TLS, or a Sentinel set:
     * {@code redis-sentinel://[:password@]host1:port1,host2:port2,…[/db]#masterName} ({@code
     * rediss-sentinel://} for TLS), where the password is the master's (the sentinels are asked for
     * the master's address, again on every reconnect, so Spool follows a failover by itself), or a
     * Redis Cluster: {@code redis://[:password@]host1:port1,host2:port2,…} (any nodes of it) or
     * {@code redis-cluster://[:password@]host:port} (one), {@code rediss} for TLS; see
     * docs/redis-topologies.md.
     *
     * @throws InvalidRedisUriException if the URI is malformed, saying what is wrong (the message
     *     never shows its password); nothing is connected to
     */
    public Builder redis(String uri) {
      RedisUriCheck.validate(Objects.requireNonNull(uri, "uri"));
      this.uri = uri;
      return this;
    }

    /** See {@link #DEFAULT_NAMESPACE}. */
    public Builder namespace(String namespace) {
      new Keys(namespace); // validates
      this.namespace = namespace;
      return this;
    }

    /** The source of "now" for every timestamp and due time; for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** See {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
    public Builder maxPayloadBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /** See {@link #DEFAULT_RETENTION}. */
    public Builder retention(Duration retention) {
      this.retention = JobOptions.positive(retention, "retention");
      return this;
    }

    /**
     * Whether a job that succeeds keeps its status for the {@link #retention} (the default, true).
     * With false, workers of this Spool delete a job the moment it succeeds, status and index
     * entries included, as BullMQ's {@code removeOnComplete} does: less Redis memory and work per
     * job. Clients awaiting its {@link Spool#outcome} at that moment still get it, with its result;
     * a later look-up finds no status. Failed and killed jobs keep theirs, and the queue's count of
     * succeeded jobs still counts it.
     */
    public Builder keepSucceeded(boolean keep) {
      this.keepSucceeded = keep;
      return this;
    }

    /** See {@link #DEFAULT_DEAD_JOBS_MAX_SIZE}. */
    public Builder deadJobsMaxSize(long size) {
      if (size < 1) {
        throw new IllegalArgumentException("deadJobsMaxSize must be positive, got " + size);
      }
      this.deadJobsMaxSize = size;
      return this;
    }

    /** See {@link #DEFAULT_DEAD_JOBS_MAX_AGE}. */
    public Builder deadJobsMaxAge(Duration age) {
      this.deadJobsMaxAge = JobOptions.positive(age, "deadJobsMaxAge");
      return this;
    }

    /**
     * How long a Redis command may go unanswered; every wait for Redis honours it. An enqueue not
     * answered in time throws {@link EnqueueOutcomeUnknownException} (it may have been queued). See
     * {@link #DEFAULT_COMMAND_TIMEOUT}.
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = JobOptions.positive(timeout, "commandTimeout");
      return this;
    }

    /** See {@link #DEFAULT_UNIQUE_LOCK_TTL}. */
    public Builder uniqueLockTtl(Duration ttl) {
      this.uniqueLockTtl = JobOptions.positive(ttl, "uniqueLockTtl");
      return this;
    }

    /**
     * The retry policy of jobs whose {@link JobOptions} and {@link JobType} name none, as
     * job_reactor's global retrying strategy. Applied when a job is enqueued (set, it is stored
     * with the job, and the node that runs it follows it), and by this Spool's workers to jobs
     * stored with none (their enqueuer named none, or the CLI or another language enqueued them)
     * whose type they register without a policy of its own, as Sidekiq's server-side {@code
     * max_retries}. Defaults to {@link Retry#DEFAULT}.
     */
    public Builder defaultRetry(Retry retry) {
      this.defaultRetry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** See {@link #DEFAULT_BATCH_SUBMIT_LEASE}. */
    public Builder batchSubmitLease(Duration lease) {
      this.batchSubmitLease = JobOptions.positive(lease, "batchSubmitLease");
      return this;
    }

    /** See {@link #DEFAULT_OUTCOME_RECHECK_INTERVAL}. */
    public Builder outcomeRecheckInterval(Duration interval) {
      this.outcomeRecheckInterval = JobOptions.positive(interval, "outcomeRecheckInterval");
      return this;
    }

    /**
     * For {@code rediss://}: trust the CA certificate(s) of this PEM file (a private CA), instead
     * of the JVM's default trust store. The server's certificate is verified against them, and its
     * name against the URI's host unless the URI says {@code ?verifyPeer=CA} (or {@code NONE}).
     */
    public Builder tlsTrustedCertificates(Path pemFile) {
      this.tlsTrust = TlsTrust.pem(Objects.requireNonNull(pemFile, "pemFile"));
      return this;
    }

    /**
     * For {@code rediss://}: trust the certificates of this key store (PKCS12 or JKS), instead of
     * the JVM's default trust store; see {@link #tlsTrustedCertificates}.
     */
    public Builder tlsTrustStore(Path keyStore, char[] password) {
      this.tlsTrust = TlsTrust.keyStore(Objects.requireNonNull(keyStore, "keyStore"), password);
      return this;
    }

    /**
     * Makes every enqueue wait until {@code replicas} replicas have it ({@code WAIT replicas
     * timeout} after each enqueue command, single or bulk chunk), so a job whose enqueue returned
     * survives a failover to one of them. Without it (the default) Redis replicates in the
     * background, and jobs acknowledged in the last moments before a master dies can be lost with
     * it. It costs a replica round trip per enqueue command (see docs/operations.md), and the
     * enqueues run on a connection of their own, one after another.
     *
     * <p>If fewer replicas confirm within {@code timeout}, the enqueue throws {@link
     * EnqueueNotReplicatedException}: the job is queued on the master, but could still be lost.
     * {@code timeout} must be shorter than the {@link #commandTimeout}.
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      if (replicas < 1) {
        throw new IllegalArgumentException(
            "waitForReplicas: replicas must be 1 or more, got " + replicas);
      }
      this.replicaWait =
          new ReplicaWait(replicas, JobOptions.positive(timeout, "waitForReplicas timeout"));
      return this;
    }

    /**
     * Adds a listener told about enqueues and attempts (for metrics). None by default; with none,
     * nothing is called. See {@link JobListener}.
     */
    public Builder listener(JobListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds an interceptor around enqueues and attempts (for tracing); the first added is the
     * outermost. None by default. See {@link JobInterceptor}.
     */
    public Builder interceptor(JobInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Declares a queue of {@code shards} shards (1 to 64): its jobs spread over queues {@code
     * <queue>.shard0} … {@code <queue>.shard<N-1>}, each with a hash tag of its own, so that on a
     * Redis Cluster one queue uses several masters. Enqueues pick a shard in turn (a unique job by
     * its lock, so equal jobs meet the same lock); workers of the queue fetch from every shard,
     * each coming first in turn; counts and status queries of the queue cover every shard. Every
     * client and worker of the queue must declare the same number. Recurring jobs and batch
     * callbacks of the queue run on its first shard. See docs/redis-topologies.md.
     */
    public Builder shardedQueue(String queue, int shards) {
      this.shards.put(queue, shards);
      QueueShards.of(this.shards); // validates
      return this;
    }

    /**
     * Connects.
     *
     * @throws SpoolConnectionException if Redis cannot be reached ({@link RedisTimeoutException} if
     *     it did not answer in time)
     * @throws RedisPermissionException if the Redis user may not use Spool's pub/sub channels
     * @throws InvalidRedisUriException if the URI is malformed (the message never shows its
     *     password)
     */
    public Spool build() {
      if (uri == null) {
        throw new IllegalStateException("no Redis URI: call redis(\"redis://host:6379\") first");
      }
      if (replicaWait.timeout().compareTo(commandTimeout) >= 0) {
        throw new IllegalArgumentException(
            "the timeout of waitForReplicas ("
                + replicaWait.timeout().toMillis()
                + " ms) must be shorter than commandTimeout ("
                + commandTimeout.toMillis()
                + " ms): the WAIT command is bounded by both");
      }
      return new Spool(
          new Settings(
              uri,
              namespace,
              clock,
              maxPayloadBytes,
              retention,
              deadJobsMaxSize,
              deadJobsMaxAge,
              commandTimeout,
              uniqueLockTtl,
              defaultRetry,
              batchSubmitLease,
              outcomeRecheckInterval,
              tlsTrust,
              keepSucceeded,
              replicaWait,
              new Observers(listeners, interceptors),
              QueueShards.of(shards)));
    }
  }
}
