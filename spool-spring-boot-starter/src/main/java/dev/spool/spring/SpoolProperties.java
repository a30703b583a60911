package dev.spool.spring;

import dev.spool.Queues;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code spool.*} properties. Defaults are written out (not taken from Spool's {@code
 * DEFAULT_*} constants) so that the configuration metadata shows them; a test keeps them equal.
 */
@ConfigurationProperties(prefix = "spool")
public class SpoolProperties {
  private final Redis redis = new Redis();
  private final WorkerProperties worker = new WorkerProperties();
  private final Metrics metrics = new Metrics();
  private final Tracing tracing = new Tracing();
  private final Health health = new Health();
  private final Dashboard dashboard = new Dashboard();
  private final RetryProperties retry = new RetryProperties();

  /** Key prefix of every Spool key in Redis. */
  private String namespace = "spool";

  /** How long finished jobs keep their status. */
  private Duration retention = Duration.ofDays(7);

  /** A Redis command not answered by then fails. */
  private Duration commandTimeout = Duration.ofSeconds(10);

  public Redis getRedis() {
    return redis;
  }

  public WorkerProperties getWorker() {
    return worker;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Tracing getTracing() {
    return tracing;
  }

  public Dashboard getDashboard() {
    return dashboard;
  }

  public Health getHealth() {
    return health;
  }

  public RetryProperties getRetry() {
    return retry;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    try {
      Spool.builder().namespace(namespace); // Spool's own check, at binding
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spool.namespace: " + e.getMessage());
    }
    this.namespace = namespace;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    bySpoolsRules("spool.retention", "retention", () -> Spool.builder().retention(retention));
    this.retention = retention;
  }

  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  public void setCommandTimeout(Duration commandTimeout) {
    bySpoolsRules(
        "spool.command-timeout",
        "commandTimeout",
        () -> Spool.builder().commandTimeout(commandTimeout));
    this.commandTimeout = commandTimeout;
  }

  /**
   * Checks a value by Spool.Builder's own rules, at binding, refusing it in the property's name:
   * the builder's "retention must be positive, got PT0S" is "spool.retention must be positive, got
   * PT0S".
   */
  private static void bySpoolsRules(String property, String field, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      throw new IllegalArgumentException(
          message.startsWith(field + " ")
              ? property + message.substring(field.length())
              : property + ": " + message);
    }
  }

  /**
   * The retry policy of jobs whose type and options name none (Spool.Builder.defaultRetry):
   * attempts runs in all, waiting first-delay × multiplier^(n-1) before retry n, ± jitter.
   */
  public static class RetryProperties {
    /** Runs in all, the first included; 1 for no retries. */
    private int attempts = 8;

    /** The wait before the first retry. */
    private Duration firstDelay = Duration.ofSeconds(1);

    /** Each wait is the one before times this (1.0 or more). */
    private double multiplier = 2.0;

    /**
     * Each wait is spread by ± this fraction (0 to below 1), so failing jobs do not retry in step.
     */
    private double jitter = 0.2;

    /**
     * Exception classes (binary names) whose failures are final: no retry, the dead set at once.
     */
    private List<String> noRetryFor = new ArrayList<>();

    public int getAttempts() {
      return attempts;
    }

    public void setAttempts(int attempts) {
      byRetrysRules(() -> new Retry(attempts, firstDelay, multiplier, jitter, List.of()));
      this.attempts = attempts;
    }

    public Duration getFirstDelay() {
      return firstDelay;
    }

    public void setFirstDelay(Duration firstDelay) {
      byRetrysRules(() -> new Retry(attempts, firstDelay, multiplier, jitter, List.of()));
      this.firstDelay = firstDelay;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      byRetrysRules(() -> new Retry(attempts, firstDelay, multiplier, jitter, List.of()));
      this.multiplier = multiplier;
    }

    public double getJitter() {
      return jitter;
    }

    public void setJitter(double jitter) {
      byRetrysRules(() -> new Retry(attempts, firstDelay, multiplier, jitter, List.of()));
      this.jitter = jitter;
    }

    public List<String> getNoRetryFor() {
      return noRetryFor;
    }

    public void setNoRetryFor(List<String> noRetryFor) {
      for (String name : noRetryFor) {
        // A binary class name; the class need not be loadable here (nodes match by name).
        if (name == null
            || !name.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}.$]*")) {
          throw new IllegalArgumentException(
              "spool.retry.no-retry-for: not a class name: '" + name + "'");
        }
      }
      this.noRetryFor = new ArrayList<>(noRetryFor);
    }

    /** The policy these properties describe. */
    public Retry toRetry() {
      return new Retry(attempts, firstDelay, multiplier, jitter, noRetryFor);
    }

    /**
     * Checks a value by Retry's own rules, refusing it in the property's name: Retry's "firstDelay
     * must not be negative, …" is "spool.retry.first-delay must not be negative, …".
     */
    private static void byRetrysRules(Runnable build) {
      try {
        build.run();
      } catch (IllegalArgumentException e) {
        String message = e.getMessage();
        int space = message.indexOf(' ');
        String field =
            message.substring(0, space).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        throw new IllegalArgumentException("spool.retry." + field + message.substring(space));
      }
    }
  }

  /** Where Redis is. */
  public static class Redis {
    /**
     * redis://[:password@]host:port[/db], rediss:// for TLS, a Sentinel set as
     * redis-sentinel://[:password@]host1:port1,host2:port2[/db]#master, or a Redis Cluster as
     * redis://[:password@]host1:port1,host2:port2 (any of its nodes) or redis-cluster://host:port.
     */
    private String uri = "redis://localhost:6379";

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }
  }

  /** The application's worker node, which runs the SpoolHandler beans. */
  public static class WorkerProperties {
    /** Whether to run a worker node (when there is at least one SpoolHandler bean). */
    private boolean enabled = true;

    /**
     * The node's name, unique among live nodes; defaults to host-pid (as the CLI's spool worker),
     * with a -2, -3 … suffix for a further worker of the same JVM (a second Spring context).
     */
    private String name;

    /**
     * Queues to fetch from, first listed first, or by weight when some are written name=weight
     * (critical=6,default=3,low); defaults to the queues of the handlers' types.
     */
    private List<String> queues = new ArrayList<>();

    /** At most this many handlers run at once. */
    private int concurrency = 10;

    /** How long a job stays held without a heartbeat from its node. */
    private Duration lease = Duration.ofSeconds(10);

    /**
     * How long running jobs may finish when the application stops, the rest being handed back to
     * their queue. The application waits for it whatever
     * spring.lifecycle.timeout-per-shutdown-phase says: the platform's kill timeout (Kubernetes'
     * terminationGracePeriodSeconds) must cover it plus the web server's graceful shutdown.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(25);

    /**
     * How many times a job may be handed back at a stop (still running at the shutdown timeout)
     * without using an attempt; the next hand-back ends its attempt as a lost lease would, so that
     * a job that outlives every stop does not restart forever. 0: every hand-back uses one.
     */
    private int maxHandBacks = Worker.Builder.DEFAULT_MAX_HAND_BACKS;

    /**
     * Run handlers on platform threads instead of virtual ones: for handlers that keep a CPU busy,
     * which would otherwise hold every carrier thread while the other jobs held wait.
     */
    private boolean platformThreads;

    /**
     * Exit the application (status 1, as spool worker does) when the worker stops by itself:
     * another instance took its name while this one was presumed dead (no heartbeat reached Redis
     * for a lease). With false the application goes on without its worker.
     */
    private boolean exitOnNameLost = true;

    public boolean isExitOnNameLost() {
      return exitOnNameLost;
    }

    public void setExitOnNameLost(boolean exitOnNameLost) {
      this.exitOnNameLost = exitOnNameLost;
    }

    public boolean isPlatformThreads() {
      return platformThreads;
    }

    public void setPlatformThreads(boolean platformThreads) {
      this.platformThreads = platformThreads;
    }

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      // dev.spool.NodeNames' rule (not public), which the worker applies only when it starts
      if (name != null && (name.length() > 200 || name.contains("|"))) {
        throw new IllegalArgumentException(
            "spool.worker.name: invalid worker name '"
                + name
                + "': 1 to 200 characters, without '|'");
      }
      this.name = name;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      Set<String> seen = new HashSet<>();
      for (String queue : queues) {
        String name;
        try {
          name = Queues.Entry.parse(queue).name();
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("spool.worker.queues: " + e.getMessage());
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              "spool.worker.queues: '" + name + "' is listed twice: list each queue once");
        }
      }
      this.queues = queues;
    }

    /** The queues of {@link #getQueues}, without their weights. */
    public List<String> queueNames() {
      return queues.stream().map(q -> Queues.Entry.parse(q).name()).toList();
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      if (concurrency < 1 || concurrency > Worker.Builder.MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "spool.worker.concurrency must be in [1, "
                + Worker.Builder.MAX_CONCURRENCY
                + "], got "
                + concurrency);
      }
      this.concurrency = concurrency;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      if (lease.compareTo(Worker.Builder.MIN_LEASE) < 0) {
        throw new IllegalArgumentException(
            "spool.worker.lease must be at least "
                + Worker.Builder.MIN_LEASE.toMillis()
                + " ms, got "
                + lease);
      }
      this.lease = lease;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      if (shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "spool.worker.shutdown-timeout must not be negative, got " + shutdownTimeout);
      }
      this.shutdownTimeout = shutdownTimeout;
    }

    public int getMaxHandBacks() {
      return maxHandBacks;
    }

    public void setMaxHandBacks(int maxHandBacks) {
      if (maxHandBacks < 0 || maxHandBacks > Worker.Builder.MAX_HAND_BACKS) {
        throw new IllegalArgumentException(
            "spool.worker.max-hand-backs must be in [0, "
                + Worker.Builder.MAX_HAND_BACKS
                + "], got "
                + maxHandBacks);
      }
      this.maxHandBacks = maxHandBacks;
    }
  }

  /** Micrometer meters (when a MeterRegistry is present). */
  public static class Metrics {
    /** Whether to register Spool's meters. */
    private boolean enabled = true;

    /** Queue counts behind the spool.queue.jobs gauges are read from Redis at most this often. */
    private Duration countsMaxAge = Duration.ofSeconds(10);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getCountsMaxAge() {
      return countsMaxAge;
    }

    public void setCountsMaxAge(Duration countsMaxAge) {
      if (countsMaxAge.isNegative()) {
        throw new IllegalArgumentException(
            "spool.metrics.counts-max-age must not be negative, got " + countsMaxAge);
      }
      this.countsMaxAge = countsMaxAge;
    }
  }

  /** OpenTelemetry spans (when an OpenTelemetry bean is present). */
  public static class Tracing {
    /** Whether to trace enqueues and attempts. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The "spool" health indicator. */
  public static class Health {
    /**
     * Dead jobs added between two health checks beyond which the indicator reports
     * DEAD_JOBS_GROWING instead of UP; 0 turns the check off.
     */
    private long deadGrowthThreshold = 0;

    /**
     * A check that Redis has not answered by then reports DOWN, rather than holding the health
     * endpoint for the whole command timeout.
     */
    private Duration timeout = Duration.ofSeconds(2);

    public long getDeadGrowthThreshold() {
      return deadGrowthThreshold;
    }

    public void setDeadGrowthThreshold(long deadGrowthThreshold) {
      if (deadGrowthThreshold < 0) {
        throw new IllegalArgumentException(
            "spool.health.dead-growth-threshold must not be negative (0 turns the check off), got "
                + deadGrowthThreshold);
      }
      this.deadGrowthThreshold = deadGrowthThreshold;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("spool.health.timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
    }
  }

  /** The Spool dashboard, served on a port of its own (needs spool-dashboard on the class path). */
  public static class Dashboard {
    /** Whether to serve the dashboard. */
    private boolean enabled = false;

    /**
     * Address to bind to; anything but loopback needs authentication: a token, a username and
     * password, or a DashboardAuth bean.
     */
    private String bind = "127.0.0.1";

    /** Port to serve on; 0 picks a free one. */
    private int port = 8081;

    /** Path prefix, for a reverse proxy (e.g. /spool). */
    private String pathPrefix;

    /** Shows everything, changes nothing. */
    private boolean readOnly = false;

    /**
     * Token a browser must give (asked for at a login page), or a client as "Authorization: Bearer
     * token"; at least 8 characters.
     */
    private String token;

    /** Username of HTTP Basic authentication, with password; instead of a token. */
    private String username;

    /** Password of HTTP Basic authentication, with username. */
    private String password;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getBind() {
      return bind;
    }

    public void setBind(String bind) {
      this.bind = bind;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(
            "spool.dashboard.port must be in [0, 65535] (0 picks a free one), got " + port);
      }
      this.port = port;
    }

    public String getPathPrefix() {
      return pathPrefix;
    }

    public void setPathPrefix(String pathPrefix) {
      this.pathPrefix = pathPrefix;
    }

    public boolean isReadOnly() {
      return readOnly;
    }

    public void setReadOnly(boolean readOnly) {
      this.readOnly = readOnly;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }
  }
}
