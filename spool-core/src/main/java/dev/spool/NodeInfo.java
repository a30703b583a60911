package dev.spool;

import java.time.Instant;
import java.util.List;

/**
 * A worker node as it registered itself.
 *
 * @param busy jobs it held at its last heartbeat
 * @param alive its lease is current; a node whose heartbeats stopped is dead, and its jobs come
 *     back when their leases expire
 * @param quiet an operator asked it to fetch no new jobs ({@link Monitor#quietNode}); it runs those
 *     it holds and stays up until {@link Monitor#resumeNode} or its restart
 */
public record NodeInfo(
    String name,
    String host,
    long pid,
    List<String> queues,
    int concurrency,
    int busy,
    Instant startedAt,
    Instant lastHeartbeat,
    boolean alive,
    boolean quiet) {

  /** A node not asked to be quiet. */
  public NodeInfo(
      String name,
      String host,
      long pid,
      List<String> queues,
      int concurrency,
      int busy,
      Instant startedAt,
      Instant lastHeartbeat,
      boolean alive) {
    this(name, host, pid, queues, concurrency, busy, startedAt, lastHeartbeat, alive, false);
  }
}
