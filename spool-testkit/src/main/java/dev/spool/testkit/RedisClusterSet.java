package dev.spool.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis Cluster on free ports of 127.0.0.1, for tests of sharding and failover: {@value
 * #MASTERS} masters, each with one replica, all started from the same redis-server binary as {@link
 * SpoolRedis} with {@code --cluster-enabled yes}. The cluster is formed by this class itself
 * (CLUSTER ADDSLOTS, MEET, REPLICATE), not by redis-cli, and {@link #start()} returns once every
 * node says {@code cluster_state:ok} and all agree on who serves which slots. A node is declared
 * failed after {@link #NODE_TIMEOUT} without an answer, so a {@link #killMaster killed} master's
 * replica takes over within a few seconds.
 *
 * <pre>
 * &#64;RegisterExtension static RedisClusterSet cluster = RedisClusterSet.create();
 * ...
 * Spool spool = Spool.builder().redis(cluster.uri()).namespace(SpoolRedis.namespace()).build();
 * </pre>
 *
 * <p>As an extension it starts before the class's tests and stops after them; it can also be {@link
 * #start() started} and {@link #close() closed} by hand. Every process is stopped by its PID, and
 * data is kept in memory only.
 */
public final class RedisClusterSet implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** Masters of the cluster; each has one replica. */
  public static final int MASTERS = 3;

  /** cluster-node-timeout: a node unanswered this long is failed, and its replica promoted. */
  public static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

  private static final int SLOTS = 16_384;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final List<RedisServer> nodes = new ArrayList<>(); // guarded by this; masters first

  private RedisClusterSet() {}

  /** A cluster not started yet. */
  public static RedisClusterSet create() {
    return new RedisClusterSet();
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
   * Starts the six nodes, gives each master a third of the slots, introduces the nodes to each
   * other, makes the other three replicas, and returns once the cluster is ok on every node, every
   * node agrees on the slot owners, and every replica is in sync. Does nothing if it runs already.
   *
   * @throws IllegalStateException if the cluster is not ready within 30 s
   */
  public synchronized void start() {
    if (!nodes.isEmpty()) {
      return;
    }
    try {
      MemberOptions options =
          new MemberOptions(
              null,
              List.of(
                  "--cluster-enabled",
                  "yes",
                  "--cluster-node-timeout",
                  String.valueOf(NODE_TIMEOUT.toMillis()),
                  // A replica may take over whatever its last contact with the master.
                  "--cluster-replica-validity-factor",
                  "0"),
              null);
      for (int i = 0; i < 2 * MASTERS; i++) {
        RedisServer node = RedisServer.createMember(options);
        nodes.add(node); // first, so that close() disposes of it whatever
        node.start();
      }
      for (int i = 0; i < MASTERS; i++) {
        int first = i * SLOTS / MASTERS;
        int last = (i + 1) * SLOTS / MASTERS - 1;
        String[] command = new String[2 + last - first + 1];
        command[0] = "CLUSTER";
        command[1] = "ADDSLOTS";
        for (int slot = first; slot <= last; slot++) {
          command[2 + slot - first] = String.valueOf(slot);
        }
        call(nodes.get(i), command);
      }
      for (int i = 1; i < nodes.size(); i++) {
        call(nodes.getFirst(), "CLUSTER", "MEET", RedisServer.HOST, String.valueOf(port(i)));
      }
      awaitUntil("every node to know every other", this::allMet);
      for (int i = 0; i < MASTERS; i++) {
        String masterId = (String) call(nodes.get(i), "CLUSTER", "MYID");
        call(nodes.get(MASTERS + i), "CLUSTER", "REPLICATE", masterId);
      }
      awaitUntil("the cluster to be ok on every node", this::ready);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private int port(int index) {
    return nodes.get(index).port();
  }

  /**
   * The Lettuce form of the cluster, every node as a seed: {@code
   * redis://127.0.0.1:<p1>,127.0.0.1:<p2>,…}.
   */
  public synchronized String uri() {
    requireStarted();
    StringBuilder uri = new StringBuilder("redis://");
    for (int i = 0; i < nodes.size(); i++) {
      uri.append(i == 0 ? "" : ",").append(RedisServer.HOST).append(':').append(port(i));
    }
    return uri.toString();
  }

  /** The ports of the nodes that serve slots now, as the first node that answers sees them. */
  public List<Integer> masterPorts() {
    return List.copyOf(new TreeMap<>(slotOwners(anyLiveView())).values()).stream()
        .distinct()
        .sorted()
        .toList();
  }

  /** The port of the master that serves this key's slot now. */
  public int masterPortOf(String key) {
    for (RedisServer node : liveNodes()) {
      try {
        long slot = (Long) call(node, "CLUSTER", "KEYSLOT", key);
        for (ClusterNode n : view(node)) {
          if (n.isMaster() && !n.isFailed() && n.serves(slot)) {
            return n.port();
          }
        }
      } catch (IllegalStateException e) {
        // this node does not answer: ask the next
      }
    }
    throw new IllegalStateException("no node of this cluster names the master of '" + key + "'");
  }

  /**
   * Kills the master on this port (SIGKILL: nothing saved, every connection cut), as a crashed host
   * would; its replica takes over about {@link #NODE_TIMEOUT} plus a second later (see {@link
   * #awaitFailover}). The killed node stays down until {@link #rejoin(int) rejoined}.
   */
  public void killMaster(int port) {
    node(port).crash();
  }

  /**
   * Waits until every live node says {@code cluster_state:ok}, they agree on the slot owners, and
   * none of them is the node on {@code oldMasterPort}.
   *
   * @throws IllegalStateException if that takes longer than {@code timeout}
   */
  public void awaitFailover(int oldMasterPort, Duration timeout) {
    awaitUntil(
        "a replica to take over from the master on port " + oldMasterPort,
        timeout,
        () -> agreedOwners().map(o -> !o.containsValue(oldMasterPort)).orElse(false));
  }

  /**
   * Starts a {@link #killMaster killed} node again on its port, empty (nothing was saved; it keeps
   * its cluster identity from nodes.conf), and returns once it is a replica in sync and the cluster
   * is ok everywhere.
   */
  public void rejoin(int port) {
    node(port).start();
    awaitUntil(
        "the node on port " + port + " to rejoin as a replica",
        () ->
            agreedOwners().map(o -> !o.containsValue(port)).orElse(false)
                && "up".equals(info(node(port), "replication").get("master_link_status")));
  }

  private boolean allMet() {
    for (RedisServer node : liveNodes()) {
      List<ClusterNode> view = view(node);
      if (view.size() != nodes.size()
          || view.stream().anyMatch(n -> n.flags().contains("handshake"))) {
        return false;
      }
    }
    return true;
  }

  private boolean ready() {
    if (agreedOwners().isEmpty()) {
      return false;
    }
    for (RedisServer node : liveNodes()) {
      Map<String, String> replication = info(node, "replication");
      if ("slave".equals(replication.get("role"))
          && !"up".equals(replication.get("master_link_status"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The owner of each slot range (first slot -> master port) if every live node is ok and sees the
   * same owners, all of them live, with the full {@value #MASTERS} masters each having a replica;
   * empty otherwise.
   */
  private java.util.Optional<Map<Integer, Integer>> agreedOwners() {
    Map<Integer, Integer> agreed = null;
    for (RedisServer node : liveNodes()) {
      if (!"ok".equals(clusterInfo(node).get("cluster_state"))) {
        return java.util.Optional.empty();
      }
      List<ClusterNode> view = view(node);
      long masters = view.stream().filter(n -> n.isMaster() && !n.slots().isEmpty()).count();
      if (masters != MASTERS
          || view.stream().anyMatch(n -> n.isFailed() && n.isMaster() && !n.slots().isEmpty())) {
        return java.util.Optional.empty();
      }
      Map<Integer, Integer> owners = slotOwners(view);
      if (agreed != null && !agreed.equals(owners)) {
        return java.util.Optional.empty();
      }
      agreed = owners;
    }
    return java.util.Optional.ofNullable(agreed);
  }

  private static Map<Integer, Integer> slotOwners(List<ClusterNode> view) {
    Map<Integer, Integer> owners = new HashMap<>();
    for (ClusterNode n : view) {
      if (n.isMaster() && !n.isFailed()) {
        for (String range : n.slots()) {
          owners.put(Integer.valueOf(range.split("-")[0]), n.port());
        }
      }
    }
    return owners;
  }

  private List<ClusterNode> anyLiveView() {
    for (RedisServer node : liveNodes()) {
      List<ClusterNode> view = view(node);
      if (!view.isEmpty()) {
        return view;
      }
    }
    throw new IllegalStateException("no node of this cluster answers");
  }

  /** CLUSTER NODES as this node sees it; empty if it does not answer. */
  private static List<ClusterNode> view(RedisServer node) {
    String text;
    try (RespClient client = node.connect(CALL_TIMEOUT)) {
      text = (String) client.call("CLUSTER", "NODES");
    } catch (IOException e) {
      return List.of();
    }
    List<ClusterNode> view = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        view.add(ClusterNode.parse(line.trim()));
      }
    }
    return view;
  }

  /**
   * One line of CLUSTER NODES: {@code <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch>
   * <link> <slot ranges…>}.
   */
  private record ClusterNode(int port, String flags, List<String> slots) {
    static ClusterNode parse(String line) {
      String[] f = line.split(" ");
      String address = f[1].split("@")[0];
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      List<String> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (!f[i].startsWith("[")) { // [slot->-id] marks a slot being migrated: none here
          slots.add(f[i]);
        }
      }
      return new ClusterNode(port, f[2], slots);
    }

    boolean isMaster() {
      return flags.contains("master");
    }

    boolean isFailed() {
      return flags.contains("fail");
    }

    boolean serves(long slot) {
      for (String range : slots) {
        String[] ends = range.split("-");
        long first = Long.parseLong(ends[0]);
        long last = Long.parseLong(ends[ends.length - 1]);
        if (slot >= first && slot <= last) {
          return true;
        }
      }
      return false;
    }
  }

  private static Object call(RedisServer node, String... command) {
    try (RespClient client = node.connect(CALL_TIMEOUT)) {
      return client.call(command);
    } catch (IOException e) {
      throw new IllegalStateException(
          "CLUSTER call " + command[1] + " failed on port " + node.port() + ": " + e.getMessage(),
          e);
    }
  }

  /** CLUSTER INFO of a node ({@code cluster_state} …); empty if it does not answer. */
  private static Map<String, String> clusterInfo(RedisServer node) {
    Map<String, String> fields = new HashMap<>();
    try (RespClient client = node.connect(CALL_TIMEOUT)) {
      for (String line : ((String) client.call("CLUSTER", "INFO")).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          fields.put(line.substring(0, colon), line.substring(colon + 1));
        }
      }
      return fields;
    } catch (IOException e) {
      return Map.of();
    }
  }

  /** INFO of a node; empty if it does not answer. */
  private static Map<String, String> info(RedisServer node, String section) {
    try (RespClient client = node.connect(CALL_TIMEOUT)) {
      return client.info(section);
    } catch (IOException e) {
      return Map.of();
    }
  }

  private synchronized List<RedisServer> liveNodes() {
    return nodes.stream().filter(RedisServer::isRunning).toList();
  }

  private synchronized RedisServer node(int port) {
    return nodes.stream()
        .filter(s -> s.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node of this cluster on port " + port));
  }

  private static void awaitUntil(String what, BooleanSupplier condition) {
    awaitUntil(what, READY_TIMEOUT, condition);
  }

  private static void awaitUntil(String what, Duration timeout, BooleanSupplier condition) {
    Polling.awaitUntil(what, timeout, condition);
  }

  private void requireStarted() {
    if (nodes.isEmpty()) {
      throw new IllegalStateException("this RedisClusterSet is not started: call start()");
    }
  }

  /** Stops every node by its PID and deletes their dirs. A closed cluster can start again. */
  @Override
  public synchronized void close() {
    List<RedisServer> all = List.copyOf(nodes);
    nodes.clear();
    RuntimeException first = null;
    for (RedisServer node : all) {
      try {
        node.dispose();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public synchronized String toString() {
    return "RedisClusterSet[" + (nodes.isEmpty() ? "not started" : uri()) + "]";
  }
}
