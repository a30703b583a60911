package dev.spool.internal.status;

import java.util.List;

/**
 * What one bounded call of the query script did.
 *
 * @param cursor where the next call continues: only job numbers below it; 0 when nothing is left.
 *     In list mode, once the page is full, the number of its last match (the next page lies below
 *     it).
 * @param skipped how many matches the call skipped (toward an offset)
 * @param counted how many matches it counted (count mode) or returned (list mode)
 * @param numbers the job numbers it returned (list mode), newest first
 */
public record QueryStep(long cursor, long skipped, long counted, List<Long> numbers) {
  /** The cursor of a walk that has not started: from the newest status. */
  public static final long FROM_NEWEST = Long.MAX_VALUE;

  /** The cursor of a walk that is over. */
  public static final long END = 0;

  public QueryStep {
    numbers = List.copyOf(numbers);
  }

  public boolean exhausted() {
    return cursor == END;
  }
}
