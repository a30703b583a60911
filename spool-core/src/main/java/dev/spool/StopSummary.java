package dev.spool;

/**
 * What became of the jobs a worker node was running when it was {@linkplain Worker#stop stopped}.
 *
 * @param finished handlers that ended by themselves during the stop, their outcomes recorded
 * @param handedBack jobs interrupted and released to their queue, to run again elsewhere without
 *     using an attempt
 * @param leftToLease jobs whose hand-back or outcome could not be written (Redis away, or the stop
 *     forced before the write): not lost, they run again once their lease expires
 * @param killed jobs interrupted whose kill had been requested while they ran: ended killed, as
 *     asked, rather than handed back
 */
public record StopSummary(int finished, int handedBack, int leftToLease, int killed) {
  /** The summary of a node that had nothing to stop. */
  public static final StopSummary NONE = new StopSummary(0, 0, 0, 0);

  /** A summary with no job killed at the stop. */
  public StopSummary(int finished, int handedBack, int leftToLease) {
    this(finished, handedBack, leftToLease, 0);
  }
}
