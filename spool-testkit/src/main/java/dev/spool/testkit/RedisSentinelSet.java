package dev.spool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis Sentinel set on free ports of 127.0.0.1, for tests of failover: one master, one
 * replica and three sentinels (quorum 2) watching them as {@value #MASTER_NAME}, all started from
 * the same redis-server binary as {@link SpoolRedis}. The sentinels call the master down after
 * {@link #DOWN_AFTER} without an answer, so a {@link #killMaster() killed} master is replaced by
 * its replica within a few seconds.
 *
 * <pre>
 * &#64;RegisterExtension static RedisSentinelSet sentinels = RedisSentinelSet.create();
 * ...
 * Spool spool = Spool.builder().redis(sentinels.uri()).namespace(SpoolRedis.namespace()).build();
 * </pre>
 *
 * <p>As an extension it starts before the class's tests and stops after them; it can also be {@link
 * #start() started} and {@link #close() closed} by hand. Every process is stopped by its PID, and
 * data is kept in memory only.
 */
public final class RedisSentinelSet implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** The name the sentinels know the master by, after {@code #} in {@link #uri()}. */
  public static final String MASTER_NAME = "mymaster";

  /**
   * How long a master may go unanswered before the sentinels call it down: 3 s. At 1 s a master
   * stalled by a loaded test run was failed over for nothing, and the set flapped between its two
   * servers while a failover test ran (a CI rehearsal saw acknowledged job numbers handed out again
   * on Redis 7).
   */
  public static final Duration DOWN_AFTER = Duration.ofSeconds(3);

  /** Sentinel's failover-timeout: 5 s, so a failed attempt is retried soon. */
  public static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(5);

  private static final int SENTINELS = 3;
  private static final int QUORUM = 2;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long a killed master may take to rejoin as a replica: Sentinel converts a returning old
   * master only after it has reported its stale role for a while (8 s in Redis 6.2 and 7.0), then
   * it must sync and every sentinel must see it well; under a loaded test run that took over 30 s.
   */
  private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(90);

  /** How long a returning old master may stay one before {@link #rejoin} sends it REPLICAOF. */
  private static final Duration REJOIN_NUDGE_AFTER = Duration.ofSeconds(30);

  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final String password; // null: none
  private final List<RedisServer> dataNodes = new ArrayList<>(); // guarded by this
  private final List<RedisServer> sentinels = new ArrayList<>(); // guarded by this
  private Path configDir; // guarded by this

  private RedisSentinelSet(String password) {
    this.password = password;
  }

  /** A set without passwords, not started yet. */
  public static RedisSentinelSet create() {
    return new RedisSentinelSet(null);
  }

  /**
   * A set whose master and replica ask for this password ({@code requirepass}, and {@code
   * masterauth} between them); the sentinels know it ({@code sentinel auth-pass}) and ask for none
   * themselves. {@link #uri()} carries it.
   */
  public static RedisSentinelSet create(String password) {
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("the password is empty: use create() for none");
    }
    return new RedisSentinelSet(password);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /**
   * Starts the master, then the replica, then the sentinels, and returns once the replica is in
   * sync and every sentinel knows the replica and the two other sentinels (so that a failover can
   * happen). Does nothing if the set runs already.
   *
   * @throws IllegalStateException if the set is not ready within 30 s
   */
  public synchronized void start() {
    if (!sentinels.isEmpty()) {
      return;
    }
    try {
      configDir = Files.createTempDirectory("spool-sentinel-");
      RedisServer master = startMember(new MemberOptions(null, passwordOptions(), password));
      List<String> replicaOptions = new ArrayList<>(passwordOptions());
      replicaOptions.addAll(
          List.of("--replicaof", RedisServer.HOST, String.valueOf(master.port())));
      RedisServer replica = startMember(new MemberOptions(null, replicaOptions, password));
      // Sentinels learn of replicas from the master's INFO, every 10 s: start them once the
      // replica is attached, so that their first look finds it.
      awaitUntil("the replica to sync with the master", () -> replicaInSync(replica));
      for (int i = 1; i <= SENTINELS; i++) {
        Path config = configDir.resolve("sentinel-" + i + ".conf");
        Files.writeString(config, sentinelConfig(master.port()));
        startMember(new MemberOptions(config, List.of("--sentinel"), null), sentinels);
      }
      awaitUntil("the sentinels to know each other and the replica", this::sentinelsReady);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot write the sentinels' config files", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private RedisServer startMember(MemberOptions options) {
    return startMember(options, dataNodes);
  }

  /** Starts a server, added to {@code into} first so that close() disposes of it whatever. */
  private RedisServer startMember(MemberOptions options, List<RedisServer> into) {
    RedisServer server = RedisServer.createMember(options);
    into.add(server);
    server.start();
    return server;
  }

  private List<String> passwordOptions() {
    return password == null
        ? List.of()
        : List.of("--requirepass", password, "--masterauth", password);
  }

  private String sentinelConfig(int masterPort) {
    StringBuilder config = new StringBuilder();
    config
        .append("sentinel monitor ")
        .append(MASTER_NAME)
        .append(' ')
        .append(RedisServer.HOST)
        .append(' ')
        .append(masterPort)
        .append(' ')
        .append(QUORUM)
        .append('\n');
    config
        .append("sentinel down-after-milliseconds ")
        .append(MASTER_NAME)
        .append(' ')
        .append(DOWN_AFTER.toMillis())
        .append('\n');
    config
        .append("sentinel failover-timeout ")
        .append(MASTER_NAME)
        .append(' ')
        .append(FAILOVER_TIMEOUT.toMillis())
        .append('\n');
    if (password != null) {
      config.append("sentinel auth-pass ").append(MASTER_NAME).append(' ').append(password);
      config.append('\n');
    }
    return config.toString();
  }

  /**
   * The Lettuce form of the set, {@code redis-sentinel://[:password@]127.0.0.1:<p1>,127.0.0.1:<p2>,
   * 127.0.0.1:<p3>#mymaster}, the password percent-encoded.
   */
  public synchronized String uri() {
    requireStarted();
    StringBuilder uri = new StringBuilder("redis-sentinel://");
    if (password != null) {
      uri.append(':')
          .append(URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20"))
          .append('@');
    }
    for (int i = 0; i < sentinels.size(); i++) {
      uri.append(i == 0 ? "" : ",").append(RedisServer.HOST).append(':');
      uri.append(sentinels.get(i).port());
    }
    return uri.append('#').append(MASTER_NAME).toString();
  }

  /** The sentinels' ports. */
  public synchronized List<Integer> sentinelPorts() {
    requireStarted();
    return sentinels.stream().map(RedisServer::port).toList();
  }

  /** The port of the master, as the first sentinel that answers names it. */
  public synchronized int masterPort() {
    requireStarted();
    for (RedisServer sentinel : sentinels) {
      Integer port = masterPortSeenBy(sentinel);
      if (port != null) {
        return port;
      }
    }
    throw new IllegalStateException("no sentinel of this set names a master");
  }

  /**
   * Kills the master (SIGKILL: nothing saved, every connection cut), as a crashed host would; the
   * sentinels promote the replica about {@link #DOWN_AFTER} plus a second or two later (see {@link
   * #awaitFailover}). The killed server stays down until {@link #rejoin(int) rejoined}.
   *
   * @return the killed master's port
   */
  public synchronized int killMaster() {
    int port = masterPort();
    dataNode(port).crash();
    return port;
  }

  /**
   * Waits until every sentinel names a master other than the one on {@code oldMasterPort}, and that
   * master says it is one (ROLE master).
   *
   * @return the new master's port
   * @throws IllegalStateException if that takes longer than {@code timeout}
   */
  public int awaitFailover(int oldMasterPort, Duration timeout) {
    int[] promoted = {0};
    awaitUntil(
        "the sentinels to promote a master other than port " + oldMasterPort,
        timeout,
        () -> {
          Integer agreed = null;
          for (RedisServer sentinel : sentinelsNow()) {
            Integer port = masterPortSeenBy(sentinel);
            if (port == null || port == oldMasterPort || (agreed != null && !agreed.equals(port))) {
              return false;
            }
            agreed = port;
          }
          promoted[0] = agreed;
          return "master".equals(info(dataNode(agreed), "replication").get("role"));
        });
    return promoted[0];
  }

  /**
   * Starts a {@link #killMaster() killed} server again on its port, empty (nothing was saved), and
   * returns once the sentinels have made it a replica of the current master and it is in sync: the
   * set has a replica again, for {@code WAIT} and for the next failover.
   *
   * <p>A server still a master 30 s after its start is sent REPLICAOF once, as an operator would.
   * On a loaded machine the new master can miss {@link #DOWN_AFTER} too, once the returning server
   * has synced from it: the sentinels then fail over back to that server. The set has a master and
   * a replica in sync all the same, which is what this waits for: the other server as the replica.
   *
   * @throws IllegalStateException if that takes longer than 90 s, with what was last seen
   */
  public void rejoin(int port) {
    RedisServer server = dataNode(port);
    server.start();
    long restartedAt = System.nanoTime();
    boolean[] nudged = {false};
    String[] seen = {""};
    try {
      awaitUntil(
          "the server on port " + port + " to rejoin as a replica",
          REJOIN_TIMEOUT,
          () -> {
            int master = masterPort();
            // The replica to wait for: the returning server, or the other one if the sentinels
            // failed over back to the returning server.
            RedisServer replica = master != port ? server : otherDataNode(port);
            Map<String, String> replication = info(replica, "replication");
            List<String> flags =
                sentinelsNow().stream().map(s -> replicaFlags(s, replica.port())).toList();
            seen[0] =
                "port "
                    + replica.port()
                    + ": role "
                    + replication.get("role")
                    + ", master port "
                    + replication.get("master_port")
                    + " (the sentinels' master: "
                    + master
                    + "), link "
                    + replication.get("master_link_status")
                    + ", the sentinels' flags "
                    + flags;
            if (!nudged[0]
                && master != port // never at itself (nor the other server: failed over back)
                && "master".equals(replication.get("role"))
                && System.nanoTime() - restartedAt > REJOIN_NUDGE_AFTER.toNanos()) {
              // Sentinel converts a returning old master only after it saw it report its stale
              // role, which on a loaded machine has taken over a minute: do what an operator
              // would, once, and let the sentinels take it from there.
              nudged[0] = true;
              replicaOf(server, master);
            }
            return "slave".equals(replication.get("role"))
                && String.valueOf(master).equals(replication.get("master_port"))
                && "up".equals(replication.get("master_link_status"))
                && flags.stream().allMatch("slave"::equals);
          });
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + "; last seen: " + seen[0], e);
    }
  }

  private static void replicaOf(RedisServer server, int masterPort) {
    try (RespClient client = server.connect(CALL_TIMEOUT)) {
      client.call("REPLICAOF", "127.0.0.1", Integer.toString(masterPort));
    } catch (IOException e) {
      // the next poll sees what came of it
    }
  }

  /** The flags a sentinel gives the replica on this port ("slave" when it is well); "" if none. */
  private static String replicaFlags(RedisServer sentinel, int port) {
    try (RespClient client = sentinel.connect(CALL_TIMEOUT)) {
      for (Object replica : (List<?>) client.call("SENTINEL", "REPLICAS", MASTER_NAME)) {
        List<?> fields = (List<?>) replica;
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          byName.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
        }
        if (String.valueOf(port).equals(byName.get("port"))) {
          return byName.getOrDefault("flags", "");
        }
      }
      return "";
    } catch (IOException e) {
      return "";
    }
  }

  private synchronized List<RedisServer> sentinelsNow() {
    return List.copyOf(sentinels);
  }

  /** The data node that is not on {@code port} (the set has two). */
  private synchronized RedisServer otherDataNode(int port) {
    return dataNodes.stream()
        .filter(s -> s.port() != port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no other server in this set than " + port));
  }

  private synchronized RedisServer dataNode(int port) {
    return dataNodes.stream()
        .filter(s -> s.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no server of this set on port " + port));
  }

  private boolean replicaInSync(RedisServer replica) {
    return "up".equals(info(replica, "replication").get("master_link_status"));
  }

  private boolean sentinelsReady() {
    for (RedisServer sentinel : sentinelsNow()) {
      Map<String, String> master = sentinelMaster(sentinel);
      if (!"master".equals(master.get("flags"))
          || !"1".equals(master.get("num-slaves"))
          || !String.valueOf(SENTINELS - 1).equals(master.get("num-other-sentinels"))) {
        return false;
      }
    }
    return true;
  }

  /** {@code SENTINEL MASTER mymaster} as fields; empty if the sentinel does not answer. */
  private static Map<String, String> sentinelMaster(RedisServer sentinel) {
    try (RespClient client = sentinel.connect(CALL_TIMEOUT)) {
      List<?> reply = (List<?>) client.call("SENTINEL", "MASTER", MASTER_NAME);
      Map<String, String> fields = new HashMap<>();
      for (int i = 0; i + 1 < reply.size(); i += 2) {
        fields.put(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
      }
      return fields;
    } catch (IOException e) {
      return Map.of();
    }
  }

  /** The master's port as this sentinel names it; null if it does not answer. */
  private static Integer masterPortSeenBy(RedisServer sentinel) {
    try (RespClient client = sentinel.connect(CALL_TIMEOUT)) {
      List<?> address = (List<?>) client.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
      return address == null ? null : Integer.valueOf(String.valueOf(address.get(1)));
    } catch (IOException e) {
      return null;
    }
  }

  /** INFO of a data node; empty if it does not answer. */
  private static Map<String, String> info(RedisServer server, String section) {
    try (RespClient client = server.connect(CALL_TIMEOUT)) {
      return client.info(section);
    } catch (IOException e) {
      return Map.of();
    }
  }

  private static void awaitUntil(String what, BooleanSupplier condition) {
    awaitUntil(what, READY_TIMEOUT, condition);
  }

  private static void awaitUntil(String what, Duration timeout, BooleanSupplier condition) {
    Polling.awaitUntil(what, timeout, condition);
  }

  private void requireStarted() {
    if (sentinels.isEmpty()) {
      throw new IllegalStateException("this RedisSentinelSet is not started: call start()");
    }
  }

  /**
   * Stops the sentinels first (so that they do not fail over while the data nodes go), then the
   * data nodes, and deletes their dirs. A closed set can be started again, on new ports.
   */
  @Override
  public synchronized void close() {
    List<RedisServer> all = new ArrayList<>(sentinels);
    all.addAll(dataNodes);
    sentinels.clear();
    dataNodes.clear();
    RuntimeException first = null;
    for (RedisServer server : all) {
      try {
        server.dispose();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (configDir != null) {
      try (Stream<Path> files = Files.walk(configDir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      } catch (IOException e) {
        // a temp dir left behind is no reason to fail a test
      }
      configDir = null;
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public synchronized String toString() {
    return "RedisSentinelSet[" + (sentinels.isEmpty() ? "not started" : uri()) + "]";
  }
}
