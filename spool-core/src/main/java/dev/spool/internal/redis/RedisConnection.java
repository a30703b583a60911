package dev.spool.internal.redis;

import dev.spool.InvalidRedisUriException;
import dev.spool.RedisOutOfMemoryException;
import dev.spool.RedisPermissionException;
import dev.spool.RedisTimeoutException;
import dev.spool.SpoolConnectionException;
import dev.spool.SpoolException;
import dev.spool.internal.json.Json;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Redis side of Spool: one multiplexed connection shared by every caller, plus dedicated
 * connections for blocking waits and pub/sub. Turns Lettuce's failures into {@link SpoolException}s
 * with a message that names the server (never its user name or password), one type per cause:
 * unreachable or dropped ({@link SpoolConnectionException}), out of memory ({@link
 * RedisOutOfMemoryException}), not permitted ({@link RedisPermissionException}).
 *
 * <p>While disconnected, commands are refused at once rather than queued until the reconnect: a
 * refused command was never sent, so its caller knows for sure that nothing was written (a queued
 * one that timed out would leave that unknown). Lettuce reconnects by itself, at most {@link
 * #MAX_RECONNECT_DELAY} after Redis is back.
 */
public final class RedisConnection implements AutoCloseable {
  /** Defaults to 10 s: a command not answered by then fails. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

  /** The longest wait between two reconnect attempts (Lettuce's default would grow to 30 s). */
  public static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(100);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final String OOM = "OOM command not allowed";
  private static final String NOPERM = "NOPERM";

  /**
   * The system property that, set to {@code false}, sends every call through Lettuce's shared
   * connection, none on the caller's thread (see {@link #evalOnCallerThread}).
   */
  public static final String CALLER_THREAD_PROPERTY = "spool.redis.callerThread";

  /** How often a cluster client re-reads the topology even when nothing hints at a change. */
  static final Duration CLUSTER_REFRESH_PERIOD = Duration.ofSeconds(10);

  private final LettuceClient client;
  private final ClientResources resources;
  private final String display;
  private final Duration commandTimeout;
  private final StatefulConnection<String, String> shared;
  private final RedisClusterAsyncCommands<String, String> commands;
  private final ReplicaWait replicaWait;
  // Enqueues that wait for replicas run here, not on the shared connection: WAIT blocks the
  // connection it is sent on until the replicas answer, which would stall every other caller.
  private final StatefulConnection<String, String> replicated; // null unless replicaWait
  private final Outage outage;
  // Enqueues, fetches and acks whose callers wait for them at once or soon after go over sockets
  // of their own on the caller's thread; null where that cannot be (see CallerThreadScripts).
  private final CallerThreadScripts callerThread;
  private volatile boolean closed;

  private RedisConnection(
      LettuceClient client,
      ClientResources resources,
      String display,
      Duration commandTimeout,
      ReplicaWait replicaWait,
      CallerThreadScripts callerThread) {
    this.client = client;
    this.resources = resources;
    this.display = display;
    this.commandTimeout = commandTimeout;
    this.shared = client.connect();
    this.commands = LettuceClient.async(shared);
    this.replicaWait = replicaWait;
    this.replicated = replicaWait.waits() ? client.connect() : null;
    this.outage = new Outage(display);
    this.callerThread = callerThread;
    client
        .client()
        .addListener(
            new RedisConnectionStateListener() {
              @Override
              public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress at) {
                // A cluster's links to its nodes are connections of their own: any that
                // (re)connects ends an outage that a failed call started (see logFailure).
                if (connection == shared || client.isCluster()) {
                  outage.up();
                }
              }

              @Override
              public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == shared && !closed) {
                  outage.down();
                }
              }
            });
  }

  /** Whether the shared connection is lost now (Lettuce is reconnecting). */
  public boolean isDown() {
    return outage.isDown();
  }

  /**
   * Logs a failed call: a warning while connected; during an outage, which is logged once when it
   * starts and once when it ends, only at DEBUG (and counted). A timeout, or a refusal Redis gives
   * every call for now (BUSY, LOADING), starts an outage that ends when a PING is answered. On a
   * Cluster, a node away, hung or refusing starts none: each kind is a warning once in 10 s.
   */
  public void logFailure(org.slf4j.Logger caller, String format, Object... args) {
    if (client.isCluster()) {
      // One node of many away, hung or refusing is no outage (the others serve, and a PING would
      // go to one node, not necessarily that one): a warning per kind once in a while.
      String kind = clusterFailureKind(args);
      if (kind != null && !outage.isDown()) {
        outage.failedOnCluster(kind, caller, format, args);
      } else {
        outage.failed(caller, format, args);
      }
      return;
    }
    for (Object arg : args) {
      if (arg == null) {
        continue;
      }
      String text = arg.toString().toLowerCase();
      // A failure that says the connection dropped, or that Redis refuses connections (a wait
      // on a socket of its own that reconnects first), may come before the disconnect event does.
      if (isDisconnect(text) || text.contains("connection refused")) {
        // The connection that dropped may be another than the shared one (a wait's socket),
        // whose reconnect would end the outage: the PINGs end it too.
        if (outage.dropped() && !closed) {
          askUntilAnswered();
        }
        break;
      }
      String refusal = FailureScope.refusesEveryCall(arg);
      if (refusal != null) {
        if (!closed && outage.refusing(refusal)) {
          askUntilAnswered();
        }
        break;
      }
      if (isTimeout(arg, text)) {
        if (!closed && outage.stalled()) {
          askUntilAnswered();
        }
        break;
      }
    }
    outage.failed(caller, format, args);
  }

  /**
   * The kind of a Cluster's failure among a log call's arguments: a node away ({@code
   * unreachable}), {@code BUSY} or {@code LOADING}, a {@code timeout}, {@code CLUSTERDOWN} (the
   * masters vote, or a slot has none); null for any other failure.
   */
  private static String clusterFailureKind(Object... args) {
    for (Object arg : args) {
      if (arg == null) {
        continue;
      }
      String text = arg.toString().toLowerCase();
      if (isDisconnect(text)
          || text.contains("connection refused")
          || text.contains("unable to connect")) {
        return "unreachable";
      }
      String refusal = FailureScope.refusesEveryCall(arg);
      if (refusal != null) {
        return refusal;
      }
      if (isTimeout(arg, text)) {
        return "timeout";
      }
      if (text.contains("clusterdown") || text.contains("tryagain")) {
        return "CLUSTERDOWN";
      }
    }
    return null;
  }

  private static boolean isTimeout(Object arg, String lowerText) {
    return arg instanceof Throwable t
        ? t instanceof RedisTimeoutException || timedOut(t)
        : lowerText.contains("timed out");
  }

  /** PINGs Redis a second apart, on the shared connection, until it answers: the stall is over. */
  private void askUntilAnswered() {
    if (closed || !outage.isDown()) {
      return;
    }
    CompletableFuture<String> ping;
    try {
      ping = commands.ping().toCompletableFuture();
    } catch (RuntimeException e) {
      ping = CompletableFuture.failedFuture(e);
    }
    ping.whenComplete(
        (pong, error) -> {
          if (error == null) {
            outage.up();
          } else if (!closed) {
            resources.eventExecutorGroup().schedule(this::askUntilAnswered, 1, TimeUnit.SECONDS);
          }
        });
  }

  /**
   * Connects with the JVM's default trust for {@code rediss://}; see {@link #open(String, Duration,
   * TlsTrust)}.
   */
  private static void initializeClasses() {
    Script.values();
    Json.mapper();
  }

  public static RedisConnection open(String uri, Duration commandTimeout) {
    return open(uri, commandTimeout, null);
  }

  /** As {@link #open(String, Duration, TlsTrust, ReplicaWait)}, waiting for no replica. */
  public static RedisConnection open(String uri, Duration commandTimeout, TlsTrust trust) {
    return open(uri, commandTimeout, trust, ReplicaWait.NONE);
  }

  /**
   * Connects, or throws {@link SpoolConnectionException} saying why not. The URI is any of
   * Lettuce's forms: {@code redis://}, {@code rediss://} (TLS), {@code redis-sentinel://} and
   * {@code rediss-sentinel://} (the master is looked up through the sentinels, again on every
   * reconnect, so a failover is followed), or a Redis Cluster: several nodes {@code
   * redis://h1:p1,h2:p2} or one {@code redis-cluster://host:port} (the client follows MOVED and ASK
   * and re-reads the topology when a node fails, is redirected, or every {@link
   * #CLUSTER_REFRESH_PERIOD}).
   *
   * @param trust whom a {@code rediss://} connection trusts; null for the JVM's default trust store
   * @param replicaWait what {@link #evalReplicated} waits for
   * @throws SpoolException if the URI is malformed (the message never shows its user-info)
   */
  public static RedisConnection open(
      String uri, Duration commandTimeout, TlsTrust trust, ReplicaWait replicaWait) {
    // The scripts (read from the jar and hashed) and the JSON mapper are first needed right after
    // the connection opens: their class initialisation, a tenth of a second of a worker's
    // start-up, runs meanwhile on another thread. (A class is initialised once, whoever asks.)
    Thread.ofPlatform().daemon().name("spool-init").start(RedisConnection::initializeClasses);
    RedisUriCheck.validate(uri);
    boolean isCluster = ClusterUri.isCluster(uri);
    List<RedisURI> seeds = isCluster ? ClusterUri.seeds(uri) : List.of(parse(uri));
    seeds.forEach(seed -> seed.setTimeout(commandTimeout)); // what sync calls wait for, too
    String display = isCluster ? clusterDisplay(seeds) : display(seeds.getFirst());
    ClientResources resources =
        ClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    MIN_RECONNECT_DELAY, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
            .build();
    SocketOptions socket =
        SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
    LettuceClient client;
    if (isCluster) {
      RedisClusterClient cluster = RedisClusterClient.create(resources, seeds);
      ClusterClientOptions.Builder options =
          ClusterClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              // Each connection's own timeout (the URI's, commandTimeout): see connectBlocking.
              .timeoutOptions(TimeoutOptions.enabled())
              .socketOptions(socket)
              .topologyRefreshOptions(
                  ClusterTopologyRefreshOptions.builder()
                      .enablePeriodicRefresh(CLUSTER_REFRESH_PERIOD)
                      // MOVED, ASK, a node that keeps failing to reconnect: re-read at once
                      // (at most once a second), so a promoted replica is used within seconds.
                      .enableAllAdaptiveRefreshTriggers()
                      .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                      .refreshTriggersReconnectAttempts(2)
                      .build());
      if (trust != null) {
        options.sslOptions(sslOptions(trust));
      }
      cluster.setOptions(options.build());
      client = LettuceClient.of(cluster);
    } else {
      RedisClient standalone = new LazySyncRedisClient(resources, seeds.getFirst());
      ClientOptions.Builder options =
          ClientOptions.builder()
              .autoReconnect(true)
              // Refused, never sent: an enqueue during an outage fails for sure, not maybe.
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              // Each connection's own timeout (the URI's, commandTimeout): see connectBlocking.
              .timeoutOptions(TimeoutOptions.enabled())
              .socketOptions(socket);
      if (trust != null) {
        options.sslOptions(sslOptions(trust));
      }
      standalone.setOptions(options.build());
      client = LettuceClient.of(standalone);
    }
    CallerThreadScripts callerThread =
        !isCluster
                && !replicaWait.waits()
                && CallerThreadScripts.supports(seeds.getFirst())
                && !"false".equals(System.getProperty(CALLER_THREAD_PROPERTY))
            ? new CallerThreadScripts(
                seeds.getFirst(), CONNECT_TIMEOUT, commandTimeout, resources.timer())
            : null;
    try {
      return new RedisConnection(
          client, resources, display, commandTimeout, replicaWait, callerThread);
    } catch (RuntimeException e) {
      client.client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw failure(display, e, client.isCluster());
    }
  }

  private static String clusterDisplay(List<RedisURI> seeds) {
    StringBuilder hosts = new StringBuilder();
    for (RedisURI seed : seeds) {
      hosts.append(hosts.isEmpty() ? "" : ",").append(seed.getHost()).append(':');
      hosts.append(seed.getPort());
    }
    // One seed is the redis-cluster:// form (a redis:// URI of one host names one server).
    String scheme = seeds.getFirst().isSsl() ? "rediss" : "redis";
    return scheme + (seeds.size() == 1 ? "-cluster" : "") + "://" + hosts;
  }

  /**
   * As {@link #evalReplicated}, for a caller that waits for the answer at once: where it can be,
   * the script is sent and its answer read on the caller's own thread, over a blocking socket (see
   * {@link CallerThreadScripts}), sparing the hand-off to Lettuce's event loop and back. The answer
   * is decoded as Lettuce's {@code MULTI} or {@code INTEGER} output would be (other outputs take
   * the shared connection), and failures are the same exceptions. (Sockets on the caller's thread
   * exist only where no replicas are awaited.)
   */
  public <T> CompletableFuture<T> evalReplicatedOnCallerThread(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    return onCallerThread(
        script, output, keys, args, () -> evalReplicated(script, output, keys, args));
  }

  /** As {@link #eval}, on the caller's thread where it can be (see above). */
  public <T> CompletableFuture<T> evalOnCallerThread(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    return onCallerThread(script, output, keys, args, () -> eval(script, output, keys, args));
  }

  /** {@link #evalReplicated}, as {@link ScriptCalls}. */
  public ScriptCalls shared() {
    return this::evalReplicated;
  }

  /** {@link #evalReplicatedOnCallerThread}, as {@link ScriptCalls}. */
  public ScriptCalls awaitedAtOnce() {
    return this::evalReplicatedOnCallerThread;
  }

  /**
   * A pipeline of script calls on the caller's thread (see {@link CallerPipeline}), or null where
   * {@link #evalOnCallerThread} would take the shared connection: TLS, Sentinel, a Cluster,
   * replicas awaited, an outage, a caller on an event loop, or no socket to spare. The caller
   * closes it.
   */
  public CallerPipeline callerPipeline() {
    if (!callerThreadUsable()) {
      return null;
    }
    RespSocket socket = callerThread.borrow();
    return socket == null ? null : new CallerPipeline(callerThread, socket, display);
  }

  /** Whether a call may go on the caller's thread now (see {@link CallerThreadScripts}). */
  private boolean callerThreadUsable() {
    return callerThread != null
        && !outage.isDown()
        // A callback on an event loop must not block it: the loop serves every other call.
        && !(Thread.currentThread() instanceof FastThreadLocalThread);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> onCallerThread(
      Script script,
      ScriptOutputType output,
      String[] keys,
      String[] args,
      Supplier<CompletableFuture<T>> otherwise) {
    if (!callerThreadUsable()
        || (output != ScriptOutputType.MULTI && output != ScriptOutputType.INTEGER)) {
      return otherwise.get();
    }
    Object answer;
    try {
      answer = callerThread.eval(script, keys, args);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(callerThread.failure(e, display));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (answer == CallerThreadScripts.NOT_SENT) {
      return otherwise.get();
    }
    return CompletableFuture.completedFuture((T) answer);
  }

  /** Whether this is a Redis Cluster. */
  public boolean isCluster() {
    return client.isCluster();
  }

  private static RedisURI parse(String uri) {
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      // Lettuce's message, and so its exception, may echo any piece of the URI: keep neither.
      throw new InvalidRedisUriException(
          "invalid Redis URI '"
              + UriRedaction.redact(uri)
              + "': it cannot be parsed ("
              + e.getClass().getSimpleName()
              + "); use redis://[user:password@]host:port[/db], rediss://… or"
              + " redis-sentinel://[user:password@]host1:port1,host2:port2[/db]#master, a Redis"
              + " Cluster as redis://host1:port1,host2:port2, with / @ :"
              + " % # or spaces in the password percent-encoded (e.g. / as %2F)");
    }
  }

  private static SslOptions sslOptions(TlsTrust trust) {
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
    if (trust.password() == null) {
      ssl.trustManager(trust.file().toFile());
    } else {
      ssl.truststore(SslOptions.Resource.from(trust.file().toFile()), trust.password());
    }
    return ssl.build();
  }

  /** The server, for messages: {@code redis://host:port/db}, without credentials. */
  public String display() {
    return display;
  }

  /** How long a command may go unanswered before it fails. */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * The shared connection's commands; on a Redis Cluster each keyed command goes to the node that
   * serves its key, and a command with several keys must have them all in one slot.
   */
  public RedisClusterAsyncCommands<String, String> async() {
    return commands;
  }

  /**
   * A wait for any of these wake-up lists to receive an element, on connections of its own so that
   * blocking never stalls others: one BLPOP over all of them on one server, on a blocking socket of
   * the waiting thread's where calls can go on the caller's thread (else on a Lettuce connection);
   * on a Redis Cluster, one per slot (a BLPOP may not span slots there).
   */
  public SignalWait openSignalWait(List<String> lists, long blockSeconds) {
    try {
      if (client.isCluster()) {
        return new SlotSignalWait(this, lists, blockSeconds);
      }
      if (callerThread != null) {
        try {
          return new SocketSignalWait(callerThread, lists, blockSeconds);
        } catch (IOException | RedisCommandExecutionException e) {
          // Refused (maxclients, say) or unreachable: Lettuce connects, or says why it cannot.
        }
      }
      return new ServerSignalWait(this, lists, blockSeconds);
    } catch (RuntimeException e) {
      throw failure(display, e, client.isCluster());
    }
  }

  /** A new multiplexed connection of this client (to the server or the cluster). */
  StatefulConnection<String, String> connect() {
    return client.connect();
  }

  /**
   * A new connection for a command that blocks in Redis for up to {@code blockSeconds}: it fails
   * only once the command timeout has passed after that. (Timed out at the command timeout, a BLPOP
   * Redis answers later would lose the element it popped.)
   */
  StatefulConnection<String, String> connectBlocking(long blockSeconds) {
    StatefulConnection<String, String> connection = connect();
    connection.setTimeout(commandTimeout.plusSeconds(blockSeconds));
    return connection;
  }

  public StatefulRedisPubSubConnection<String, String> openPubSub() {
    try {
      return client.connectPubSub();
    } catch (RuntimeException e) {
      throw failure(display, e, client.isCluster());
    }
  }

  /** As {@link #subscribe(String, Consumer, Runnable)}, for a caller with nothing to catch up. */
  public AutoCloseable subscribe(String channel, Consumer<String> onMessage) {
    return subscribe(channel, onMessage, () -> {});
  }

  /**
   * Subscribes to a pub/sub channel on a connection of its own; Lettuce resubscribes after a
   * reconnect. Messages published while the connection was down are lost: {@code onReconnect} runs
   * after each reconnect so the caller can catch up from what Redis stored. Closing the result
   * unsubscribes.
   */
  public AutoCloseable subscribe(String channel, Consumer<String> onMessage, Runnable onReconnect) {
    StatefulRedisPubSubConnection<String, String> pubSub = openPubSub();
    pubSub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String from, String message) {
            onMessage.accept(message);
          }
        });
    AutoCloseable reconnects = onReconnect(pubSub, onReconnect);
    await(pubSub.async().subscribe(channel));
    return () -> {
      reconnects.close();
      pubSub.close();
    };
  }

  /**
   * Runs {@code action} each time {@code pubSub} connects again (in a cluster, any node link: its
   * pub/sub link is a node connection of its own), until the result is closed: what was published
   * while it was down is lost, and the caller catches up from what Redis stored.
   */
  public AutoCloseable onReconnect(
      StatefulRedisPubSubConnection<String, String> pubSub, Runnable action) {
    RedisConnectionStateListener reconnects =
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress at) {
            if (connection == pubSub || client.isCluster()) {
              action.run();
            }
          }
        };
    client.client().addListener(reconnects);
    return () -> client.client().removeListener(reconnects);
  }

  /**
   * Checks at connect time that this user may publish on Spool's channels (Redis 7 ACL users get
   * {@code resetchannels} by default): the scripts publish after they write, so a missing channel
   * permission would otherwise fail them half-done.
   *
   * @throws RedisPermissionException naming the missing permission
   */
  public void requireChannels(String namespace) {
    String probe = namespace + ":permission-check";
    try {
      await(commands.publish(probe, ""));
    } catch (RedisPermissionException e) {
      throw new RedisPermissionException(
          "the Redis user of "
              + display
              + " may not publish on Spool's channels '"
              + namespace
              + ":*' (Redis said: "
              + e.getCause().getMessage()
              + "). Grant them, e.g. ACL SETUSER <user> &"
              + namespace
              + ":* (its keys need ~"
              + namespace
              + ":* too, and +publish +subscribe if missing); see docs/operations.md",
          e.getCause());
    }
  }

  /** Runs a script by SHA, sending its source only if Redis answers NOSCRIPT. */
  public <T> CompletableFuture<T> eval(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    return eval(commands, script, output, keys, args);
  }

  /**
   * As {@link #eval}, for a write that must outlive a failover: with a {@link ReplicaWait}, the
   * script runs on a connection of its own, followed by {@code WAIT replicas timeout} there (which
   * covers every write sent before it on that connection). Fails with {@link
   * NotReplicatedException}, carrying the script's result, if fewer replicas confirmed it in time.
   * Without one, exactly {@link #eval}.
   */
  public <T> CompletableFuture<T> evalReplicated(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    if (!replicaWait.waits()) {
      return eval(script, output, keys, args);
    }
    if (!client.isCluster()) {
      return evalReplicatedOnce(script, output, keys, args);
    }
    // The script runs on the master Lettuce last knew for the slot, without redirection (WAIT
    // must follow it on the same node): a MOVED says the topology changed, and nothing ran.
    return this.<T>evalReplicatedOnce(script, output, keys, args)
        .handle(
            (result, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(result);
              }
              if (!isRedirect(error)) {
                return CompletableFuture.<T>failedFuture(error);
              }
              return client
                  .refreshTopology()
                  .thenCompose(v -> this.<T>evalReplicatedOnce(script, output, keys, args));
            })
        .thenCompose(f -> f);
  }

  private static boolean isRedirect(Throwable error) {
    String m = unwrap(error).getMessage();
    return m != null && (m.startsWith("MOVED") || m.startsWith("ASK"));
  }

  private <T> CompletableFuture<T> evalReplicatedOnce(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    CompletableFuture<RedisClusterAsyncCommands<String, String>> node;
    try {
      // On a cluster, the node that runs the script is the one whose replicas must confirm it.
      node = LettuceClient.nodeOf(replicated, keys[0], display);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return node.thenCompose(redis -> evalThenWait(redis, script, output, keys, args));
  }

  private <T> CompletableFuture<T> evalThenWait(
      RedisClusterAsyncCommands<String, String> redis,
      Script script,
      ScriptOutputType output,
      String[] keys,
      String... args) {
    // WAIT only once the script has answered: a NOSCRIPT retry sends the script after it.
    return this.<T>eval(redis, script, output, keys, args)
        .thenCompose(
            result -> {
              CompletableFuture<Long> acked;
              try {
                acked =
                    redis
                        .waitForReplication(
                            replicaWait.replicas(), replicaWait.timeout().toMillis())
                        .toCompletableFuture();
              } catch (RuntimeException e) { // refused: the connection dropped meanwhile
                acked = CompletableFuture.failedFuture(e);
              }
              return acked.handle((count, error) -> confirmed(result, count, error));
            });
  }

  private <T> T confirmed(T result, Long acknowledged, Throwable error) {
    long count = acknowledged == null ? 0 : acknowledged;
    if (error == null && count >= replicaWait.replicas()) {
      return result;
    }
    String why =
        error == null
            ? "only %d of %d replica(s) confirmed it within %d ms"
                .formatted(count, replicaWait.replicas(), replicaWait.timeout().toMillis())
            : "WAIT for %d replica(s) failed (%s)"
                .formatted(replicaWait.replicas(), failure(error).getMessage());
    throw new NotReplicatedException(
        "the write ran on the master of " + display + ", but " + why, result, count);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> eval(
      RedisClusterAsyncCommands<String, String> redis,
      Script script,
      ScriptOutputType output,
      String[] keys,
      String... args) {
    CompletableFuture<T> bySha;
    try {
      bySha =
          redis
              .dispatch(
                  CommandType.EVALSHA,
                  EvalShaCommand.<T>output(output),
                  EvalShaCommand.args(script.sha(), keys, args))
              .toCompletableFuture();
    } catch (RuntimeException e) { // refused before it was sent (e.g. while disconnected)
      return CompletableFuture.failedFuture(e);
    }
    return bySha
        .handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              if (unwrap(error) instanceof RedisNoScriptException) {
                return redis.<T>eval(script.source(), output, keys, args).toCompletableFuture();
              }
              return CompletableFuture.<T>failedFuture(unwrap(error));
            })
        .thenCompose(f -> f);
  }

  /**
   * Waits for a Redis future, turning its failure into a {@link SpoolException}. Waits up to twice
   * the command timeout: a script call may take two commands (EVALSHA, then EVAL on NOSCRIPT), each
   * bounded by the timeout.
   */
  public <T> T await(Future<T> future) {
    return await(future, false, null);
  }

  /**
   * As {@link #await(Future)} for a call on one namespace-wide key (outside every queue's slot): a
   * key of another type there (garbage written behind Spool's back) is renamed to {@code
   * {key}:corrupt} for 7 days, in the key's own slot, and the call is made again on a fresh key.
   */
  public <T> T awaitSettingAsideWrongType(String key, Supplier<? extends Future<T>> call) {
    try {
      return await(call.get());
    } catch (SpoolException e) {
      if (!(unwrap(e.getCause()) instanceof RedisCommandExecutionException wrong)
          || wrong.getMessage() == null
          || !wrong.getMessage().startsWith("WRONGTYPE")) {
        throw e;
      }
      String aside = "{" + key + "}:corrupt";
      await(commands.rename(key, aside));
      await(commands.expire(aside, 604_800));
      return await(call.get());
    }
  }

  /**
   * As {@link #await(Future)}, but a key of another type than the command reads (Redis's WRONGTYPE:
   * garbage written behind Spool's back) reads as {@code ofWrongType}: one bad key must not fail a
   * read of many.
   */
  public <T> T awaitOrIfWrongType(Future<T> future, T ofWrongType) {
    return await(future, true, ofWrongType);
  }

  private <T> T await(Future<T> future, boolean wrongTypeAllowed, T ofWrongType) {
    try {
      return future.get(commandTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while waiting for Redis at " + display, e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e.getCause());
      if (wrongTypeAllowed
          && cause instanceof RedisCommandExecutionException
          && cause.getMessage() != null
          && cause.getMessage().startsWith("WRONGTYPE")) {
        return ofWrongType;
      }
      throw failure(display, e.getCause(), client.isCluster());
    } catch (TimeoutException e) {
      throw new RedisTimeoutException(
          "no answer from Redis at " + display + " (timed out)",
          new RedisCommandTimeoutException());
    }
  }

  /** Maps any failure of a Redis call to a {@link SpoolException} naming the server. */
  public SpoolException failure(Throwable error) {
    return failure(display, error, client.isCluster());
  }

  /**
   * Whether a failed command may have run all the same: it was sent, but its answer never came (it
   * timed out, the connection dropped while it was in flight, or the caller was interrupted while
   * waiting for it). False when it was refused before being sent, or when Redis answered with an
   * error.
   */
  public static boolean mayHaveRun(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandTimeoutException
          || t instanceof TimeoutException
          || t instanceof InterruptedException // the command was handed over: it goes on
          || t instanceof NotReplicatedException) {
        return true;
      }
      if (t instanceof RedisConnectionException) {
        return false; // never connected: nothing sent
      }
      if (t instanceof RedisException && t.getMessage() != null) {
        String m = t.getMessage().toLowerCase();
        if (m.contains("not connected")) {
          return false; // refused while disconnected
        }
        if (isDisconnect(m)) {
          return true; // dropped in flight
        }
      }
      if (t instanceof java.io.IOException) {
        return true; // e.g. connection reset by peer while the command was in flight
      }
    }
    return false;
  }

  /**
   * Error codes by which Redis refuses a call without running it while it is in a passing state:
   * loading its data after a restart, running a script past its time limit, a replica cut off from
   * its master, or one that takes no writes (a master just demoted by a failover).
   */
  private static final Set<String> SERVES_NOTHING_NOW =
      Set.of("LOADING", "BUSY", "MASTERDOWN", "READONLY");

  /** Package-private for its test: the mapping alone, without a Redis to fail (one server). */
  static SpoolException failure(String display, Throwable error) {
    return failure(display, error, false);
  }

  /** As {@link #failure(String, Throwable)}, for a client of a Cluster or not. */
  static SpoolException failure(String display, Throwable error, boolean cluster) {
    Throwable e = unwrap(error);
    if (e instanceof SpoolException spool) {
      return spool;
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains(OOM)) {
      return new RedisOutOfMemoryException(
          "Redis at "
              + display
              + " is out of memory (maxmemory reached, policy noeviction): the command was refused",
          e);
    }
    if (message.contains(NOPERM)) {
      return new RedisPermissionException(
          "the Redis user of " + display + " lacks a permission: " + message, e);
    }
    if (e instanceof RedisCommandTimeoutException) {
      return new RedisTimeoutException("no answer from Redis at " + display + " (timed out)", e);
    }
    if (message.startsWith("CLUSTERDOWN")
        || message.startsWith("TRYAGAIN")
        || message.startsWith("MOVED")
        || message.startsWith("ASK")) {
      // Refused before running: the cluster is electing a master for a slot, or moving it.
      if (!cluster && (message.startsWith("MOVED") || message.startsWith("ASK"))) {
        // One node of a Cluster, reached as a single server: every other slot is elsewhere.
        return new SpoolConnectionException(
            "Redis at "
                + display
                + " is a node of a Redis Cluster ("
                + message
                + "): connect with redis-cluster://host:port, or list several nodes"
                + " (redis://host1:port1,host2:port2)",
            e);
      }
      return new SpoolConnectionException(
          "the Redis Cluster " + display + " does not serve this slot now (" + message + ")", e);
    }
    if (e instanceof RedisCommandExecutionException
        && SERVES_NOTHING_NOW.contains(FailureScope.code(message))) {
      // Refused before running, as every call is for now: Redis away for the caller, not a fault
      // of the call (a dashboard shows an outage, a caller may try again).
      return new SpoolConnectionException(
          "Redis at " + display + " does not serve calls now (" + message + ")", e);
    }
    SpoolConnectionException refused = refusedAtConnect(display, e);
    if (refused != null) {
      return refused;
    }
    if (e instanceof RedisConnectionException) {
      String reason = reason(e);
      String master = display.startsWith("redis-sentinel://") ? unreachableAddress(e) : null;
      if (master != null && !display.contains(master)) {
        // The sentinels answered; the master they named did not.
        return connectionFailure(
            "the sentinels of "
                + display
                + " name "
                + master
                + " as master "
                + display.substring(display.indexOf('#') + 1)
                + ", which cannot be reached ("
                + reason
                + "): is it down, its failover not done yet?",
            e);
      }
      String hint = "";
      if (display.startsWith("redis://") && isDisconnect(reason.toLowerCase())) {
        // A server that takes only TLS drops a plain connection at its first bytes.
        hint =
            ": the server dropped the connection at once; if it expects TLS, connect with rediss://";
      }
      return connectionFailure("cannot reach Redis at " + display + " (" + reason + ")" + hint, e);
    }
    if (isDisconnect(message.toLowerCase()) || e instanceof java.io.IOException) {
      return connectionFailure("cannot reach Redis at " + display + " (" + message + ")", e);
    }
    return new SpoolException("Redis at " + display + " failed: " + message, e);
  }

  /**
   * A server that answered the connection, but not as Spool needs: what happened, in words (it
   * wants a password, the password is wrong, the database does not exist, it is no Redis, the
   * sentinels know no such master or none answers); null for other failures. Never echoes the URI's
   * user-info.
   */
  private static SpoolConnectionException refusedAtConnect(String display, Throwable e) {
    StringBuilder said = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      said.append(' ').append(t.getMessage());
      for (Throwable s : t.getSuppressed()) { // e.g. each sentinel's answer
        said.append(' ').append(s.getMessage());
      }
    }
    String m = said.toString();
    String why;
    // Each case but an unreachable sentinel is a server that answered: no timeout, whatever
    // Lettuce gave up on after asking (every sentinel, say).
    boolean answered = true;
    if (m.contains("NOAUTH")) {
      why =
          "Redis at "
              + display
              + " wants a password (NOAUTH): put it in the URI,"
              + " redis://[USER]:PASSWORD@host:port";
    } else if (m.contains("WRONGPASS") || m.contains("invalid password")) {
      why = "authentication failed at Redis " + display + ": wrong user name or password";
    } else if (m.contains("DB index is out of range") || m.contains("invalid DB index")) {
      why = "the database of " + display + " does not exist (ERR DB index is out of range)";
    } else if (m.contains("Cannot provide redisAddress using sentinel for masterId")) {
      why =
          "the sentinels of "
              + display
              + " know no master by that name: check the name after # (SENTINEL MASTERS lists"
              + " theirs)";
    } else if (m.contains("Cannot connect to a Redis Sentinel")) {
      why =
          "cannot reach any sentinel of "
              + display
              + " ("
              + reason(e)
              + "): check their hosts and ports (the sentinels' own, 26379 by default)";
      answered = false;
    } else if (m.contains("unknown command 'SENTINEL'")
        || m.contains("unknown command `SENTINEL`")) {
      why =
          "the server at "
              + display
              + " is a Redis server, not a Redis Sentinel: give the sentinels' hosts and ports"
              + " (26379 by default), or a redis:// URI for this server itself";
    } else if (m.contains("Only HELLO messages are accepted by Sentinel")) {
      why =
          "the server at "
              + display
              + " is a Redis Sentinel, not a Redis server: connect with"
              + " redis-sentinel://host:port#<master name> (SENTINEL MASTERS lists the names)";
    } else if (m.contains("cluster support disabled")) {
      why =
          "the servers of "
              + display
              + " are not a Redis Cluster (cluster support disabled): give one host,"
              + " redis://host:port, for a single server";
    } else if (m.contains("Invalid first byte")) {
      why =
          "the server at "
              + display
              + " is not a Redis server: it answered in another protocol (is the port right?)";
    } else {
      return null;
    }
    return answered ? new SpoolConnectionException(why, e) : connectionFailure(why, e);
  }

  /**
   * The host:port a connect attempt failed to reach, as the JDK's or Netty's exception names it
   * ("Connection refused: /127.0.0.1:6379", "… timed out: host/10.0.0.5:6379"), or null.
   */
  private static final Pattern CONNECT_TARGET = Pattern.compile("/([^/\\s]+:\\d+)$");

  private static String unreachableAddress(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException && t.getMessage() != null) {
        Matcher m = CONNECT_TARGET.matcher(t.getMessage());
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  private static boolean isDisconnect(String m) {
    return m.contains("not connected")
        || m.contains("connection closed")
        || m.contains("connection reset")
        || m.contains("disconnected")
        || m.contains("connection is closed");
  }

  /** A connection failure, as the timeout it is if a wait for Redis ran out. */
  private static SpoolConnectionException connectionFailure(String why, Throwable e) {
    return timedOut(e) ? new RedisTimeoutException(why, e) : new SpoolConnectionException(why, e);
  }

  /**
   * Whether the failure, or a cause of it, is a wait for Redis that ran out: a command's (also the
   * connection's first commands), a TCP connect's, a TLS handshake's, a read on one of Spool's own
   * sockets.
   */
  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RedisCommandTimeoutException
          || t instanceof ConnectTimeoutException
          || t instanceof SslHandshakeTimeoutException
          || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String reason(Throwable e) {
    String tls = untrustedCertificate(e);
    if (tls != null) {
      return tls;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectTimeoutException) {
        return "connect timed out"; // a ConnectException too, yet nothing refused it
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof RedisCommandTimeoutException) {
        return "timed out";
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /**
   * What to do about a TLS handshake that failed on the server's certificate (reached, not
   * trusted), or null if none did: the bare JDK text ("unable to find valid certification path to
   * requested target") says neither that nor how to give Spool the CA.
   */
  private static String untrustedCertificate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException
          || t instanceof java.security.cert.CertificateException) {
        Throwable root = t;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        String why = root.getMessage() == null ? root.toString() : root.getMessage();
        if (why.toLowerCase(java.util.Locale.ROOT).contains("subject alternative")
            || why.toLowerCase(java.util.Locale.ROOT).contains("no name matching")) {
          return "its TLS certificate is for another host name ("
              + why
              + "): connect by a name the certificate lists, or add ?verifyPeer=CA to the URI"
              + " to verify only that a trusted CA signed it";
        }
        return "its TLS certificate is not trusted here ("
            + why
            + "): give Spool its CA (Spool.Builder.tlsTrustedCertificates or tlsTrustStore; for"
            + " the spool CLI, SPOOL_JAVA_OPTS=-Djavax.net.ssl.trustStore=…), or add"
            + " ?verifyPeer=NONE to the URI for a test server";
      }
    }
    return null;
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String display(RedisURI uri) {
    if (!uri.getSentinels().isEmpty()) {
      StringBuilder sentinels = new StringBuilder();
      for (RedisURI sentinel : uri.getSentinels()) {
        sentinels.append(sentinels.isEmpty() ? "" : ",");
        sentinels.append(sentinel.getHost()).append(':').append(sentinel.getPort());
      }
      return (uri.isSsl() ? "rediss-sentinel" : "redis-sentinel")
          + "://"
          + sentinels
          + (uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase())
          + "#"
          + uri.getSentinelMasterId();
    }
    String scheme = uri.isSsl() ? "rediss" : "redis";
    String host = uri.getHost() == null ? "?" : uri.getHost();
    return scheme
        + "://"
        + host
        + ":"
        + uri.getPort()
        + (uri.getDatabase() == 0 ? "" : "/" + uri.getDatabase());
  }

  @Override
  public void close() {
    closed = true; // the disconnect that follows is ours, not an outage
    if (callerThread != null) {
      callerThread.close();
    }
    shared.close();
    if (replicated != null) {
      replicated.close();
    }
    client.client().shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
