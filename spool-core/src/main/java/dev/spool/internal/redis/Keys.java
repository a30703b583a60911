package dev.spool.internal.redis;

import dev.spool.Queues;

/**
 * Builds every Redis key Spool uses. All keys of one queue share the hash tag {@code {queue}}, so
 * each script touches a single Cluster slot; user input (the queue name) only ever appears inside
 * the tag, so no queue name can collide with another key.
 */
public final class Keys {
  private final String namespace;
  private final QueueShards shards;

  public Keys(String namespace) {
    this(namespace, QueueShards.NONE);
  }

  public Keys(String namespace, QueueShards shards) {
    this.shards = shards;
    if (namespace == null || !namespace.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "invalid namespace '" + namespace + "': use 1 to 64 letters, digits, '.', '_' or '-'");
    }
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  /** The queues declared with several shards, each shard a queue of its own hash tag. */
  public QueueShards shards() {
    return shards;
  }

  /** SET of every queue name ever used (for views across queues). */
  public String queues() {
    return namespace + ":queues";
  }

  /** The keys of a distributed job, all under the hash tag {@code {dj:<token>}}. */
  public DistributedJobKeys distributedJob(String token) {
    if (token == null || !token.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw new IllegalArgumentException(
          "invalid distributed job token '" + token + "': use 1 to 200 letters, digits, . _ : -");
    }
    return new DistributedJobKeys(namespace + ":{dj:" + token + "}:");
  }

  /** Whether a string can be a batch's token (it becomes part of keys). */
  public static boolean isBatchToken(String token) {
    return token != null && token.matches("[A-Za-z0-9._-]{1,100}");
  }

  /** The two keys of a distributed job. */
  public record DistributedJobKeys(String prefix) {
    public String parts() {
      return prefix + "parts";
    }

    public String state() {
      return prefix + "state";
    }
  }

  /** STRING: the instance holding a node name while the node lives (hash tag {nodes}). */
  public String nodeName(String name) {
    return namespace + ":{nodes}:name:" + name;
  }

  /** HASH: node name -> node info JSON. */
  public String nodeInfo() {
    return namespace + ":{nodes}:info";
  }

  /** HASH: node name -> when an operator asked it to be quiet (ms): it fetches nothing. */
  public String nodeQuiet() {
    return namespace + ":{nodes}:quiet";
  }

  /** HASH: recurring job name -> its queue (names are unique across queues). */
  public String recurringNames() {
    return namespace + ":recurring";
  }

  public QueueKeys queue(String queue) {
    return new QueueKeys(namespace + ":{" + Queues.validate(queue) + "}:");
  }

  /** The keys of one queue; see docs/architecture.md for what each holds. */
  public record QueueKeys(String prefix) {
    public String seq() {
      return prefix + "seq";
    }

    public String ready() {
      return prefix + "ready";
    }

    public String prio() {
      return prefix + "prio";
    }

    public String delayed() {
      return prefix + "delayed";
    }

    public String active() {
      return prefix + "active";
    }

    public String dead() {
      return prefix + "dead";
    }

    public String signal() {
      return prefix + "signal";
    }

    /** STRING: the queue's concurrency limit, if it has one; see QueueControl. */
    public String concurrencyLimit() {
      return prefix + "climit";
    }

    /** STRING: the queue's rate limit, {@code "<max>|<per ms>"}, if it has one. */
    public String rateLimit() {
      return prefix + "rlimit";
    }

    /** STRING: present while the queue is paused (its value: when, in ms); see QueueControl. */
    public String paused() {
      return prefix + "paused";
    }

    /** Recurring jobs of this queue: name -> definition JSON. */
    public String recurring() {
      return prefix + "recurring";
    }

    /** Recurring jobs of this queue: name -> next run (ms). */
    public String recurringDue() {
      return prefix + "recurring:due";
    }

    /**
     * Where a key of this queue holding garbage is set aside for a week ({@code what}: its name).
     */
    public String corrupt(String what) {
      return prefix + "corrupt:" + what;
    }

    /** Recurring jobs of this queue: name -> last run (ms). */
    public String recurringLast() {
      return prefix + "recurring:last";
    }

    /**
     * ZSET: jobs that reached a final state outside the dead set, scored by when (µs); the Pruner
     * deletes the oldest.
     */
    public String finished() {
      return prefix + "finished";
    }

    public String completed() {
      return prefix + "completed";
    }

    /** STRING: failed attempts (retried or dead) since the queue was first used. */
    public String failed() {
      return prefix + "failed";
    }

    /**
     * HASH: jobs that succeeded ('succeeded') and attempts that failed ('failed') in one minute
     * (minutes since the epoch); expires two hours on.
     */
    public String throughput(long minute) {
      return prefix + "throughput:" + minute;
    }

    /** The wake-up list of one node, for jobs pinned to it. */
    public String signalOf(String node) {
      return prefix + "signal:@" + node;
    }

    /** Ready jobs pinned strictly to a node: only that node runs them. */
    public String readyOf(String node) {
      return prefix + "ready:@" + node;
    }

    /**
     * Ready jobs pinned to a node without being strict: the node takes them first, and every node
     * may once it is dead or saturated too long.
     */
    public String readyPreferring(String node) {
      return prefix + "ready:~" + node;
    }

    /** SET of the nodes that jobs avoid ({@code notNode}); their lists are {@code ready:!node}. */
    public String avoided() {
      return prefix + "avoid";
    }

    /**
     * SET of the concurrency limits with jobs parked (waiting for a slot); their lists are {@code
     * park:<name>}.
     */
    public String parks() {
      return prefix + "parks";
    }

    /** STRING: how many jobs wait in all the park lists of the queue. */
    public String parked() {
      return prefix + "parked";
    }

    /** SET of the nodes that have jobs pinned to them. */
    public String pinned() {
      return prefix + "pinned";
    }

    /** STRING: the node leading one maintenance duty of this queue, while its lead lasts. */
    public String leader(String duty) {
      return prefix + "leader:" + duty;
    }

    /** Pub/sub channel announcing a delayed job due earlier than any before it. */
    public String dueChannel() {
      return prefix + "due";
    }

    /** Prefix of job hashes; the job number follows. */
    public String jobPrefix() {
      return prefix + "job:";
    }

    public String job(long number) {
      return jobPrefix() + number;
    }

    /** A job's log lines (JobContext.log), oldest first, in the job's slot. */
    public String log(long number) {
      return prefix + "log:" + number;
    }

    /**
     * HASH: the parts of a batch enqueued into this queue, part -> job number ('g' once a settle
     * fenced the part off), so that a part is enqueued at most once (enqueue.lua,
     * batch-settle.lua).
     */
    public String batchParts(String token) {
      return prefix + "bp:" + token;
    }

    /**
     * ZSET: the batches whose callbacks run on this queue being submitted now, token -> when the
     * submit is given up for dead (ms) and settled by this queue's maintenance.
     */
    public String batchSubmits() {
      return prefix + "batch-submits";
    }

    /** The open parts and state of a batch whose callbacks run on this queue. */
    public DistributedJobKeys batch(String token) {
      if (!isBatchToken(token)) {
        throw new IllegalArgumentException("invalid batch token '" + token + "'");
      }
      return new DistributedJobKeys(prefix + "batch:" + token + ":");
    }
  }
}
