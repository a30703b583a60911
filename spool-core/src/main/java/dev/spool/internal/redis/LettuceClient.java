package dev.spool.internal.redis;

import dev.spool.SpoolConnectionException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One Lettuce client, for one server (also behind Sentinel) or for a Redis Cluster, with what Spool
 * needs of either: connections whose async commands share one type ({@link
 * RedisClusterAsyncCommands}, which the standalone commands extend), so every store works on both.
 */
final class LettuceClient {
  private final RedisClient standalone; // null for a cluster
  private final RedisClusterClient cluster; // null for one server

  private LettuceClient(RedisClient standalone, RedisClusterClient cluster) {
    this.standalone = standalone;
    this.cluster = cluster;
  }

  static LettuceClient of(RedisClient client) {
    return new LettuceClient(client, null);
  }

  static LettuceClient of(RedisClusterClient client) {
    return new LettuceClient(null, client);
  }

  boolean isCluster() {
    return cluster != null;
  }

  AbstractRedisClient client() {
    return cluster != null ? cluster : standalone;
  }

  /** A multiplexed connection: to the server, or to the cluster (routing each key to its node). */
  StatefulConnection<String, String> connect() {
    return onceMoreIfTheAnswerWasLost(
        () -> cluster != null ? cluster.connect() : standalone.connect());
  }

  StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return onceMoreIfTheAnswerWasLost(
        () -> cluster != null ? cluster.connectPubSub() : standalone.connectPubSub());
  }

  /**
   * Connects, and once more if Lettuce lost the server's answer to its handshake: a server that
   * refuses the SELECT or AUTH closes the connection, and when that beats Lettuce's own look at it,
   * Lettuce reports only "RedisHandshakeHandler not registered" (seen now and then in CI, for a
   * database that does not exist). The second attempt then says what the server said.
   */
  static <C> C onceMoreIfTheAnswerWasLost(Supplier<C> connect) {
    try {
      return connect.get();
    } catch (RuntimeException e) {
      if (!handshakeAnswerLost(e)) {
        throw e;
      }
      return connect.get();
    }
  }

  /** Whether the failure, a cause or a suppressed one (a cluster node's) is that lost answer. */
  static boolean handshakeAnswerLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null
          && t.getMessage().contains("RedisHandshakeHandler not registered")) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (handshakeAnswerLost(s)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Reads a cluster's topology again now (MOVED seen where redirection is off); none else. */
  CompletableFuture<Void> refreshTopology() {
    return cluster == null
        ? CompletableFuture.completedFuture(null)
        : cluster.refreshPartitionsAsync().toCompletableFuture();
  }

  /** The async commands of a connection this client opened. */
  static RedisClusterAsyncCommands<String, String> async(StatefulConnection<String, String> c) {
    if (c instanceof StatefulRedisClusterConnection<String, String> clustered) {
      return clustered.async();
    }
    return ((StatefulRedisConnection<String, String>) c).async();
  }

  /**
   * The commands of the one server that runs commands on {@code key}: the connection itself for one
   * server; for a cluster, the connection's link to the master that serves the key's slot now, so
   * that a keyless command sent after a keyed one (WAIT) reaches the same node. Never blocks: it
   * may run on Lettuce's event loop, which a blocking connect would stall.
   *
   * @return failed with {@link SpoolConnectionException} if no master serves the slot (the topology
   *     is changing)
   */
  static CompletableFuture<RedisClusterAsyncCommands<String, String>> nodeOf(
      StatefulConnection<String, String> c, String key, String display) {
    if (!(c instanceof StatefulRedisClusterConnection<String, String> clustered)) {
      return CompletableFuture.completedFuture(async(c));
    }
    int slot = SlotHash.getSlot(key);
    RedisClusterNode master = clustered.getPartitions().getMasterBySlot(slot);
    if (master == null) {
      return CompletableFuture.failedFuture(
          new SpoolConnectionException(
              "no master of the Redis Cluster " + display + " serves slot " + slot + " now", null));
    }
    return clustered
        .getConnectionAsync(master.getNodeId())
        .thenApply(StatefulRedisConnection::async);
  }
}
