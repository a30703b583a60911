package dev.spool;

import java.util.List;

/**
 * One page of a query's statuses, from {@link StatusQuery#page(String)}.
 *
 * @param statuses the page, in the query's order (newest first)
 * @param next the cursor of the next page; null when no status is left after this page (a page that
 *     ends exactly at the last match may still be followed by an empty one)
 */
public record StatusPage(List<JobStatus> statuses, String next) {
  public StatusPage {
    statuses = List.copyOf(statuses);
  }

  public boolean last() {
    return next == null;
  }
}
