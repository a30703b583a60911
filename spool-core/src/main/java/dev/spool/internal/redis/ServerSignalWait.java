package dev.spool.internal.redis;

import io.lettuce.core.UnblockType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;

/**
 * The wait of one server (also behind Sentinel): one BLPOP over every wake-up list, on a connection
 * of its own; {@link #unblock()} sends CLIENT UNBLOCK for it on the shared connection.
 */
final class ServerSignalWait implements SignalWait {
  private final RedisConnection redis;
  private final String[] lists;
  private final long blockSeconds;
  private final StatefulRedisConnection<String, String> blocking;
  private final long clientId;

  ServerSignalWait(RedisConnection redis, List<String> lists, long blockSeconds) {
    this.redis = redis;
    this.lists = lists.toArray(String[]::new);
    this.blockSeconds = blockSeconds;
    StatefulConnection<String, String> connection = redis.connect();
    this.blocking = (StatefulRedisConnection<String, String>) connection;
    try {
      // Through async(): the sync API, built on first use (LazySyncRedisClient), is left for the
      // first wait, after the node has started.
      this.clientId = redis.await(blocking.async().clientId());
    } catch (RuntimeException e) {
      blocking.close();
      throw e;
    }
  }

  @Override
  public void await() {
    blocking.sync().blpop(blockSeconds, lists);
  }

  @Override
  public void unblock() {
    redis.async().clientUnblock(clientId, UnblockType.ERROR);
  }

  @Override
  public void close() {
    blocking.close();
  }
}
