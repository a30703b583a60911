package dev.spool.internal.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.NodeInfo;
import dev.spool.SpoolException;
import dev.spool.internal.json.Json;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Worker nodes in Redis: a name is held by one live node (its key expires with the node's lease,
 * renewed by its heartbeat) and each node publishes host, pid, queues, concurrency and load.
 */
public final class NodeRegistry {
  /** What a node publishes about itself. */
  public record Registration(
      String host,
      long pid,
      List<String> queues,
      int concurrency,
      int busy,
      long startedAtMs,
      long heartbeatMs,
      long saturatedSinceMs) {}

  private final RedisConnection redis;
  private final Keys keys;

  public NodeRegistry(RedisConnection redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Claims or renews the name.
   *
   * @throws SpoolException if another live node holds it
   */
  public void register(String name, String instance, long leaseMs, Registration info) {
    Object r =
        redis.await(
            redis.eval(
                Script.NODE_REGISTER,
                ScriptOutputType.VALUE,
                new String[] {keys.nodeName(name), keys.nodeInfo()},
                name,
                instance,
                Long.toString(leaseMs),
                Json.write(info)));
    if (!"ok".equals(String.valueOf(r))) {
      String holder = String.valueOf(r);
      try {
        Registration other = Json.read(holder, Registration.class);
        holder =
            "host %s, pid %d, last heartbeat %s"
                .formatted(other.host(), other.pid(), Instant.ofEpochMilli(other.heartbeatMs()));
      } catch (JsonProcessingException | RuntimeException e) {
        // keep the raw text
      }
      throw new SpoolException(
          "a live worker node named '"
              + name
              + "' is already running ("
              + holder
              + "): give this one another name, or stop that one first");
    }
  }

  public void leave(String name, String instance) {
    redis.await(
        redis.eval(
            Script.NODE_LEAVE,
            ScriptOutputType.INTEGER,
            new String[] {keys.nodeName(name), keys.nodeInfo()},
            name,
            instance));
  }

  /** Names of the live nodes, and of those saturated since before {@code saturatedBeforeMs}. */
  public record Liveness(java.util.Set<String> alive, java.util.Set<String> saturated) {}

  public Liveness liveness(long saturatedBeforeMs) {
    Map<String, String> all = redis.await(redis.async().hgetall(keys.nodeInfo()));
    java.util.Set<String> alive = new java.util.HashSet<>();
    java.util.Set<String> saturated = new java.util.HashSet<>();
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (redis.await(redis.async().exists(keys.nodeName(e.getKey()))) == 1) {
        alive.add(e.getKey());
        try {
          Registration r = Json.read(e.getValue(), Registration.class);
          if (r.saturatedSinceMs() > 0 && r.saturatedSinceMs() < saturatedBeforeMs) {
            saturated.add(e.getKey());
          }
        } catch (JsonProcessingException ex) {
          // advisory only
        }
      }
    }
    return new Liveness(alive, saturated);
  }

  public List<NodeInfo> nodes() {
    Map<String, String> all = redis.await(redis.async().hgetall(keys.nodeInfo()));
    List<String> names = new ArrayList<>(all.keySet());
    names.sort(null);
    List<RedisFuture<Long>> alive = new ArrayList<>();
    for (String name : names) {
      alive.add(redis.async().exists(keys.nodeName(name)));
    }
    List<NodeInfo> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      try {
        Registration r = Json.read(all.get(names.get(i)), Registration.class);
        out.add(
            new NodeInfo(
                names.get(i),
                r.host(),
                r.pid(),
                r.queues(),
                r.concurrency(),
                r.busy(),
                Instant.ofEpochMilli(r.startedAtMs()),
                Instant.ofEpochMilli(r.heartbeatMs()),
                redis.await(alive.get(i)) == 1));
      } catch (JsonProcessingException e) {
        // a malformed entry is skipped: the registry is advisory
      }
    }
    return out;
  }
}
