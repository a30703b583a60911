package dev.spool;

import java.time.Instant;
import java.util.List;

/**
 * A worker node as it registered itself.
 *
 * @param busy jobs it held at its last heartbeat
 * @param alive its lease is current; a node whose heartbeats stopped is dead, and its jobs come
 *     back when their leases expire
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
    boolean alive) {}
