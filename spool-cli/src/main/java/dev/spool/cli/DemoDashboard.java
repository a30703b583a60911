package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.dashboard.SpoolDashboard;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The web dashboard of {@code spool demo}: on 127.0.0.1, at the given port or a free one. */
final class DemoDashboard {
  private DemoDashboard() {}

  /** Starts it and prints its URL; null (and says so) if it cannot be served. */
  static SpoolDashboard start(Spool spool, int port, PrintWriter err) {
    SpoolDashboard dashboard;
    try {
      dashboard = serve(spool, port);
    } catch (UncheckedIOException e) {
      if (port == 0) {
        err.println("spool: no dashboard: " + e.getMessage());
        err.flush();
        return null;
      }
      // The port is taken (another demo, say): any free one will do.
      dashboard = serve(spool, 0);
    }
    err.println("Dashboard: " + dashboard.url() + " (open it to watch the demo)");
    err.flush();
    return dashboard;
  }

  private static SpoolDashboard serve(Spool spool, int port) {
    return SpoolDashboard.builder().spool(spool).port(port).build().start();
  }
}
