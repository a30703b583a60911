package dev.spool.internal.node;

import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import io.lettuce.core.ScriptOutputType;

/**
 * Elects one node per maintenance duty per queue: the node holding the duty's leader key does the
 * work, the others stand by and take the key when its lead lapses (the leader died or stalled).
 */
public final class LeaderLease {
  private final RedisConnection redis;
  private final Keys keys;
  private final String node;

  public LeaderLease(RedisConnection redis, Keys keys, String node) {
    this.redis = redis;
    this.keys = keys;
    this.node = node;
  }

  /** Takes or renews the lead of {@code duty} on {@code queue} for {@code leadMs}; true if held. */
  public boolean lead(String queue, String duty, long leadMs) {
    return call(Script.LEADER, queue, duty, node, Long.toString(leadMs));
  }

  /** Gives up the lead of {@code duty} on {@code queue} if this node holds it; true if it did. */
  public boolean resign(String queue, String duty) {
    return call(Script.LEADER_RESIGN, queue, duty, node);
  }

  private boolean call(Script script, String queue, String duty, String... args) {
    Long r =
        redis.await(
            redis.eval(
                script,
                ScriptOutputType.INTEGER,
                new String[] {keys.queue(queue).leader(duty)},
                args));
    return r != null && r == 1;
  }
}
