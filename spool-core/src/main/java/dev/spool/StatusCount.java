package dev.spool;

/**
 * A count of statuses that may still be in progress: what {@link StatusQuery#countFor} counted so
 * far, and where to go on.
 *
 * @param counted the statuses counted so far (all of them once {@link #complete()})
 * @param cursor where the count goes on: pass it to the next {@link StatusQuery#countFor} call of
 *     the same query; null once the count is complete
 */
public record StatusCount(long counted, String cursor) {
  public boolean complete() {
    return cursor == null;
  }

  /** "1234" once complete, "≥ 1234" while counting: how a dashboard shows it. */
  public String display() {
    return complete() ? Long.toString(counted) : "≥ " + counted;
  }
}
