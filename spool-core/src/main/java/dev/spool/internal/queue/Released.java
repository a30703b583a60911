package dev.spool.internal.queue;

/**
 * What a node's hand-back did: at shutdown ({@code release.lua}), or of a fetch whose answer it
 * never got ({@code reclaim.lua}, which uses no attempt).
 *
 * @param handedBack jobs back at the head of their queue, their attempt not used
 * @param killed jobs whose kill was requested while they ran: ended killed instead
 * @param attemptsUsed jobs handed back at the node's {@code maxHandBacks} stops already, whose
 *     attempt ended as abandoned instead: back in their queue at attempt + 1, or dead
 * @param dead of {@code attemptsUsed}, the jobs moved to the dead set (no attempt left)
 */
public record Released(long handedBack, long killed, long attemptsUsed, long dead) {
  /** A hand-back that used no attempt. */
  public Released(long handedBack, long killed) {
    this(handedBack, killed, 0, 0);
  }
}
