package dev.spool.internal.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.NodeInfo;
import dev.spool.NodeNameInUseException;
import dev.spool.internal.json.Json;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker nodes in Redis: a name is held by one live node (its key expires after the node timeout,
 * renewed by its heartbeat) and each node publishes host, pid, queues, concurrency and load.
 */
public final class NodeRegistry {
  private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

  /**
   * What a node publishes about itself; {@code affinityFallbackMs} is 0 in entries written before
   * it was published.
   */
  public record Registration(
      String host,
      long pid,
      List<String> queues,
      int concurrency,
      int busy,
      long startedAtMs,
      long heartbeatMs,
      long saturatedSinceMs,
      long affinityFallbackMs) {}

  private final RedisConnection redis;
  private final Keys keys;

  public NodeRegistry(RedisConnection redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Claims the name, taking it over from a holder that is provably dead: on this host, with no live
   * process of its pid (or, in this process, no live instance of its id). A holder elsewhere keeps
   * the name until its registration lapses, {@code timeoutMs} after its last heartbeat.
   *
   * @throws NodeNameInUseException if another live node holds it
   */
  public void register(String name, String instance, long timeoutMs, Registration info) {
    List<Object> r = redis.await(claim(name, instance, timeoutMs, info, "", true));
    if (r.size() < 3) {
      return;
    }
    String holder = String.valueOf(r.get(1));
    String holderInfo = String.valueOf(r.get(2));
    Registration other = parse(holderInfo);
    if (other != null && provablyDead(holder, other, info)) {
      log.warn(
          "node {}: taking over the name from a dead instance (host {}, pid {} no longer runs it)",
          name,
          other.host(),
          other.pid());
      r = redis.await(claim(name, instance, timeoutMs, info, holder, true));
      if (r.size() < 3) {
        return;
      }
      other = parse(String.valueOf(r.get(2)));
    }
    String shown =
        other == null
            ? holderInfo
            : "host %s, pid %d, last heartbeat %s"
                .formatted(other.host(), other.pid(), Instant.ofEpochMilli(other.heartbeatMs()));
    throw new NodeNameInUseException(name, shown);
  }

  /**
   * What a renewal found.
   *
   * @param ours false if another instance took the name (this node was presumed dead: its
   *     registration lapsed)
   * @param quiet an operator asked the node to fetch no new jobs ({@link #quiet})
   */
  public record Renewal(boolean ours, boolean quiet) {}

  /** Renews the name for a node that holds it, and says whether it is asked to be quiet. */
  public CompletableFuture<Renewal> renew(
      String name, String instance, long timeoutMs, Registration info) {
    return claim(name, instance, timeoutMs, info, "", false)
        .thenApply(
            r ->
                r.size() < 3
                    ? new Renewal(true, r.size() > 1 && "1".equals(String.valueOf(r.get(1))))
                    : new Renewal(false, false));
  }

  private CompletableFuture<List<Object>> claim(
      String name,
      String instance,
      long timeoutMs,
      Registration info,
      String deadHolder,
      boolean starting) {
    return redis.eval(
        Script.NODE_REGISTER,
        ScriptOutputType.MULTI,
        new String[] {keys.nodeName(name), keys.nodeInfo(), keys.nodeQuiet()},
        name,
        instance,
        Long.toString(timeoutMs),
        Json.write(info),
        deadHolder,
        starting ? "1" : "");
  }

  /**
   * Asks a live node to be quiet: at its next heartbeat it stops fetching jobs, runs those it
   * holds, and stays up (Sidekiq's quiet) until {@link #resume}, or until it restarts. Returns
   * false if no live node has the name.
   */
  public boolean quiet(String name, long nowMs) {
    if (redis.await(redis.async().exists(keys.nodeName(name))) == 0) {
      return false;
    }
    redis.awaitSettingAsideWrongType(
        keys.nodeQuiet(), () -> redis.async().hset(keys.nodeQuiet(), name, Long.toString(nowMs)));
    return true;
  }

  /** Lets a quiet node fetch again at its next heartbeat; false if it was not asked to be quiet. */
  public boolean resume(String name) {
    return redis.awaitOrIfWrongType(redis.async().hdel(keys.nodeQuiet(), name), 0L) == 1;
  }

  private static Registration parse(String json) {
    try {
      return Json.read(json, Registration.class);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  /** Same host, and its process (or, in this process, its instance) is gone. */
  private static boolean provablyDead(String holder, Registration other, Registration self) {
    if (other.host() == null || !other.host().equals(self.host())) {
      return false;
    }
    if (other.pid() == ProcessHandle.current().pid()) {
      return !LocalNodes.isLive(holder);
    }
    return ProcessHandle.of(other.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  public void leave(String name, String instance) {
    redis.await(
        redis.eval(
            Script.NODE_LEAVE,
            ScriptOutputType.INTEGER,
            new String[] {keys.nodeName(name), keys.nodeInfo(), keys.nodeQuiet()},
            name,
            instance));
  }

  /**
   * What the live nodes published, by name (a node whose entry cannot be read is live with no
   * details: {@code null}).
   */
  public Map<String, Registration> liveNodes() {
    Map<String, String> all = nodeInfo();
    Map<String, RedisFuture<Long>> held = new java.util.HashMap<>();
    for (String name : all.keySet()) {
      held.put(name, redis.async().exists(keys.nodeName(name)));
    }
    Map<String, Registration> live = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : all.entrySet()) {
      if (redis.await(held.get(e.getKey())) == 1) {
        live.put(e.getKey(), parse(e.getValue()));
      }
    }
    return live;
  }

  /**
   * Which of {@code names} are live nodes, with what they published ({@code null}: an entry that
   * cannot be read, or none): one pipelined round trip of an {@code EXISTS} per name and one {@code
   * HMGET}, whatever the registry holds. A name not held is dead, whatever its entry says.
   */
  public Map<String, Registration> liveAmong(Collection<String> names) {
    if (names.isEmpty()) {
      return Map.of();
    }
    List<String> asked = List.copyOf(names);
    List<RedisFuture<Long>> held = new ArrayList<>(asked.size());
    for (String name : asked) {
      held.add(redis.async().exists(keys.nodeName(name)));
    }
    RedisFuture<List<KeyValue<String, String>>> entries =
        redis.async().hmget(keys.nodeInfo(), asked.toArray(String[]::new));
    // Every answer awaited before any is read: Redis away fails the whole read (no node is taken
    // for dead because its EXISTS went unanswered).
    List<Boolean> alive = new ArrayList<>(asked.size());
    for (RedisFuture<Long> h : held) {
      alive.add(redis.await(h) == 1);
    }
    List<KeyValue<String, String>> info = redis.awaitOrIfWrongType(entries, List.of());
    Map<String, String> published = new java.util.HashMap<>();
    for (KeyValue<String, String> kv : info) {
      if (kv.hasValue()) {
        published.put(kv.getKey(), kv.getValue());
      }
    }
    Map<String, Registration> live = new java.util.HashMap<>();
    for (int i = 0; i < asked.size(); i++) {
      if (alive.get(i)) {
        String entry = published.get(asked.get(i));
        live.put(asked.get(i), entry == null ? null : parse(entry));
      }
    }
    return live;
  }

  /**
   * Drops the entries of the nodes that are dead and were last heard of before {@code cutoffMs} (an
   * entry that cannot be read counts as that old); returns their names. Each entry goes in its own
   * atomic step, which keeps a node that registered again meanwhile.
   */
  public List<String> forgetDead(long cutoffMs) {
    // One entry per node name; the dead ones are forgotten here, so the hash stays small.
    Map<String, String> all = nodeInfo();
    Map<String, RedisFuture<Long>> held = new java.util.TreeMap<>();
    for (String name : all.keySet()) {
      held.put(name, redis.async().exists(keys.nodeName(name)));
    }
    List<String> forgotten = new ArrayList<>();
    for (Map.Entry<String, RedisFuture<Long>> e : held.entrySet()) {
      String name = e.getKey();
      String entry = all.get(name);
      if (redis.await(e.getValue()) == 1 || heardOfSince(entry, cutoffMs)) {
        continue;
      }
      long dropped =
          redis.<Long>await(
              redis.eval(
                  Script.NODE_FORGET,
                  ScriptOutputType.INTEGER,
                  new String[] {keys.nodeName(name), keys.nodeInfo(), keys.nodeQuiet()},
                  name,
                  entry));
      if (dropped == 1) {
        forgotten.add(name);
      }
    }
    return forgotten;
  }

  private static boolean heardOfSince(String entry, long cutoffMs) {
    Registration r = parse(entry); // unreadable (or JSON null): nothing says it is recent
    return r != null && r.heartbeatMs() >= cutoffMs;
  }

  public List<NodeInfo> nodes() {
    Map<String, String> all = nodeInfo();
    // One entry per node asked to be quiet, dropped when it leaves, restarts or is forgotten.
    Map<String, String> quiet =
        redis.awaitOrIfWrongType(redis.async().hgetall(keys.nodeQuiet()), Map.of());
    List<String> names = new ArrayList<>(all.keySet());
    names.sort(null);
    List<RedisFuture<Long>> alive = new ArrayList<>();
    for (String name : names) {
      alive.add(redis.async().exists(keys.nodeName(name)));
    }
    List<NodeInfo> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      // Awaited outside the try below: Redis away is an outage of the whole read, not a node to
      // leave out (every node would vanish from a page during a blip).
      boolean isAlive = redis.await(alive.get(i)) == 1;
      Registration r = parse(all.get(names.get(i)));
      if (r == null) {
        continue; // a malformed entry (or JSON null) is skipped: the registry is advisory
      }
      try {
        out.add(
            new NodeInfo(
                names.get(i),
                r.host(),
                r.pid(),
                r.queues() == null ? List.of() : r.queues(),
                r.concurrency(),
                r.busy(),
                Instant.ofEpochMilli(r.startedAtMs()),
                Instant.ofEpochMilli(r.heartbeatMs()),
                isAlive,
                quiet.containsKey(names.get(i))));
      } catch (RuntimeException e) {
        // fields no node writes (times out of range, null queue names): skipped as well
      }
    }
    return out;
  }

  /** Every node's published info; a key of another type (garbage) reads as none. */
  private Map<String, String> nodeInfo() {
    return redis.awaitOrIfWrongType(redis.async().hgetall(keys.nodeInfo()), Map.of());
  }
}
