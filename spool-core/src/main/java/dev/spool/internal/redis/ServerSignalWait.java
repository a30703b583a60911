package dev.spool.internal.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;

/**
 * The wait of one server (also behind Sentinel, or over TLS): one BLPOP over every wake-up list, on
 * a Lettuce connection of its own. {@link #unblock()} and {@link #close()} end a wait by closing
 * that connection (the next wait opens another). Not CLIENT UNBLOCK by the connection's client id:
 * after a reconnect the next BLPOP runs on a connection with another id, and after a Redis restart
 * the old id may name another client's connection.
 */
final class ServerSignalWait implements SignalWait {
  private final RedisConnection redis;
  private final String[] lists;
  private final long blockSeconds;
  private final Object lock = new Object();
  // Guarded by lock: the connection (null once a wait was ended from outside, until the next wait
  // opens another), how many times a wait was ended from outside, and whether closed.
  private StatefulRedisConnection<String, String> blocking;
  private long unblocks;
  private boolean closed;

  /** Connects at once, so that a node whose Redis refuses it learns so at its start. */
  ServerSignalWait(RedisConnection redis, List<String> lists, long blockSeconds) {
    this.redis = redis;
    this.lists = lists.toArray(String[]::new);
    this.blockSeconds = blockSeconds;
    this.blocking = open();
  }

  @SuppressWarnings("unchecked")
  private StatefulRedisConnection<String, String> open() {
    return (StatefulRedisConnection<String, String>) redis.connectBlocking(blockSeconds);
  }

  @Override
  public void await() {
    long ticket;
    StatefulRedisConnection<String, String> c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      ticket = unblocks;
      c = blocking;
    }
    if (c == null) {
      StatefulRedisConnection<String, String> opened = open(); // unlocked: unblock never waits
      boolean ended;
      synchronized (lock) {
        ended = closed || unblocks != ticket;
        if (!ended) {
          blocking = opened;
        }
      }
      if (ended) {
        opened.close(); // ended from outside while it connected
        return;
      }
      c = opened;
    }
    try {
      c.sync().blpop(blockSeconds, lists);
    } catch (RedisException e) {
      synchronized (lock) {
        if (closed || unblocks != ticket) {
          return; // ended from outside: its connection was closed under it
        }
      }
      throw e;
    }
  }

  @Override
  public void unblock() {
    end(false);
  }

  @Override
  public void close() {
    end(true);
  }

  private void end(boolean close) {
    StatefulRedisConnection<String, String> c;
    synchronized (lock) {
      closed |= close;
      unblocks++;
      c = blocking;
      blocking = null;
    }
    if (c != null) {
      c.close(); // a BLPOP in flight fails at once
    }
  }
}
