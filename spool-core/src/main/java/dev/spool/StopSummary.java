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
 * @param attemptsUsed jobs interrupted that had been handed back at {@linkplain
 *     Worker.Builder#maxHandBacks maxHandBacks} stops already: their attempt ended as abandoned, as
 *     when a lease expires (they run again at attempt + 1, or went to the dead set with no attempt
 *     left), rather than handed back for free once more
 */
public record StopSummary(
    int finished, int handedBack, int leftToLease, int killed, int attemptsUsed) {
  /** The summary of a node that had nothing to stop. */
  public static final StopSummary NONE = new StopSummary(0, 0, 0, 0, 0);

  /** A summary with no job killed at the stop, and none using an attempt. */
  public StopSummary(int finished, int handedBack, int leftToLease) {
    this(finished, handedBack, leftToLease, 0, 0);
  }

  /** A summary with no job whose hand-back used an attempt. */
  public StopSummary(int finished, int handedBack, int leftToLease, int killed) {
    this(finished, handedBack, leftToLease, killed, 0);
  }
}
