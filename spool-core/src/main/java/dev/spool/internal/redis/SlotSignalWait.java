package dev.spool.internal.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait on a Redis Cluster, where one BLPOP may not span slots: one thread per slot of the
 * wake-up lists, each with a connection of its own, BLPOPs its lists while the owner waits and
 * wakes the owner when it takes an element. Queues have one slot each, so that is a thread and a
 * connection per queue of the node.
 *
 * <p>A list's element that a thread takes after its owner stopped waiting is pushed back, so that
 * an idle node is woken by it rather than a busy one swallowing it.
 */
final class SlotSignalWait implements SignalWait {
  private static final Logger log = LoggerFactory.getLogger(SlotSignalWait.class);
  private static final long RETRY_PAUSE_MS = 200;

  private final long blockSeconds;
  private final double slotBlockSeconds;
  private final Semaphore signalled = new Semaphore(0);
  private final Object wanted = new Object();
  private final List<StatefulRedisClusterConnection<String, String>> connections =
      new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean waiting;
  private volatile boolean closed;

  SlotSignalWait(RedisConnection redis, List<String> lists, long blockSeconds) {
    this.blockSeconds = blockSeconds;
    // A cluster's node connections time a command out at the command timeout whatever the
    // connection's own: a BLPOP cut short there stays blocked in Redis, and the element it pops
    // later is answered to no one (lost). So a slot's BLPOP blocks for half that at most.
    // (And never 0, which would block for ever.)
    this.slotBlockSeconds =
        Math.max(0.001, Math.min(blockSeconds, redis.commandTimeout().toNanos() / 2e9));
    Map<Integer, List<String>> bySlot = new LinkedHashMap<>();
    for (String list : lists) {
      bySlot.computeIfAbsent(SlotHash.getSlot(list), s -> new ArrayList<>()).add(list);
    }
    try {
      for (Map.Entry<Integer, List<String>> slot : bySlot.entrySet()) {
        var connection = (StatefulRedisClusterConnection<String, String>) redis.connect();
        connections.add(connection);
        String[] keys = slot.getValue().toArray(String[]::new);
        threads.add(
            Thread.ofPlatform()
                .name("spool-signal-" + slot.getKey())
                .daemon()
                .start(() -> watch(connection, keys)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void watch(StatefulRedisClusterConnection<String, String> connection, String[] keys) {
    while (!closed) {
      synchronized (wanted) {
        while (!waiting && !closed) {
          try {
            wanted.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      if (closed) {
        return;
      }
      try {
        KeyValue<String, String> popped = connection.sync().blpop(slotBlockSeconds, keys);
        if (popped != null) {
          if (waiting) {
            signalled.release();
          } else {
            connection.sync().lpush(popped.getKey(), popped.getValue());
          }
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        log.debug("wait for a wake-up of {} ended: {}", keys[0], e.getMessage());
        synchronized (wanted) {
          try {
            wanted.wait(RETRY_PAUSE_MS);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }
  }

  @Override
  public void await() throws InterruptedException {
    synchronized (wanted) {
      waiting = true;
      wanted.notifyAll();
    }
    try {
      if (signalled.tryAcquire(blockSeconds, TimeUnit.SECONDS)) {
        signalled.drainPermits(); // several lists woke: one fetch round serves them all
      }
    } finally {
      waiting = false;
    }
  }

  @Override
  public void unblock() {
    signalled.release();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (wanted) {
      wanted.notifyAll();
    }
    for (var connection : connections) {
      try {
        connection.close(); // ends a BLPOP in flight
      } catch (RuntimeException e) {
        log.debug("closing a wake-up connection failed: {}", e.getMessage());
      }
    }
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(blockSeconds + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
