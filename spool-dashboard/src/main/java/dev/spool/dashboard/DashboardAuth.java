package dev.spool.dashboard;

/**
 * The embedding application's own authentication: decides whether a request may use the dashboard,
 * e.g. by the application's session cookie. Called for every request.
 */
@FunctionalInterface
public interface DashboardAuth {
  /** Whether this request may in; a refused one gets 401. */
  boolean allows(DashboardRequest request);
}
