package dev.spool.internal.queue;

import java.util.List;

/**
 * What a heartbeat tells its node about the jobs it sent.
 *
 * @param lost job numbers whose lease the node no longer holds (reaped, destroyed, taken by another
 *     attempt): their outcome would be refused
 * @param killRequested job numbers with a stored kill request, for a node that missed its pub/sub
 *     message
 */
public record HeartbeatReply(List<Long> lost, List<Long> killRequested) {
  public HeartbeatReply {
    lost = List.copyOf(lost);
    killRequested = List.copyOf(killRequested);
  }
}
