package dev.spool.cli;

import dev.spool.Spool;
import dev.spool.dashboard.SpoolDashboard;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool dashboard}: the web dashboard over a Redis, in the foreground until Ctrl-C. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serves the web dashboard (queues, nodes, jobs, dead set, recurring jobs, batches; retry,"
          + " kill, cancel, delete) and its JSON API until Ctrl-C.",
      "It binds to 127.0.0.1; binding elsewhere needs --token."
    })
public final class DashboardCommand extends ClientCommand {
  @Option(
      names = "--port",
      paramLabel = "P",
      defaultValue = "8080",
      description = "Listen on this port, 0 for a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = SpoolDashboard.Builder.DEFAULT_BIND,
      description = "Listen on this address (default: ${DEFAULT-VALUE}); any other needs --token.")
  String bind;

  @Option(
      names = "--path-prefix",
      paramLabel = "PATH",
      defaultValue = "",
      description = "Serve under this path, e.g. /spool behind a reverse proxy.")
  String pathPrefix;

  @Option(names = "--read-only", description = "Show everything, change nothing.")
  boolean readOnly;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:SPOOL_DASHBOARD_TOKEN}",
      description =
          "Require this token (at least 8 characters): a login form in the browser, or"
              + " Authorization: Bearer TOKEN for the API (default: $SPOOL_DASHBOARD_TOKEN).")
  String token;

  @Option(
      names = "--allow-host",
      paramLabel = "NAME",
      description =
          "Also answer requests for this host name, as a reverse proxy passes it on (without"
              + " --token only loopback names are answered, against DNS rebinding); repeatable.")
  java.util.List<String> allowHosts = new java.util.ArrayList<>();

  /** Set by tests to stop the command from within the process. */
  final StopSignal stop = new StopSignal();

  @Override
  void validate() {
    requireWithin("--port", port, 0, 65_535);
    builder(null);
    if ((token == null || token.isEmpty()) && !isLoopback(bind)) {
      // The library's own message names its builder's options (a username and password, an
      // auth hook), which the command line does not offer.
      throw usage(
          "--bind "
              + bind
              + ": refusing to serve the dashboard beyond this machine without authentication (it"
              + " can kill and delete jobs): give --token TOKEN (or $SPOOL_DASHBOARD_TOKEN), or"
              + " bind to 127.0.0.1");
    }
  }

  /** Whether the address is a loopback one; false if it does not resolve (the build says so). */
  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true; // left to SpoolDashboard.Builder.build, which names the address
    }
  }

  /** The dashboard's settings, checked; with a null Spool only to validate them. */
  private SpoolDashboard.Builder builder(Spool spool) {
    SpoolDashboard.Builder b = SpoolDashboard.builder().port(port).readOnly(readOnly);
    checked("--bind", () -> b.bind(bind));
    checked("--path-prefix", () -> b.pathPrefix(pathPrefix));
    for (String host : allowHosts) {
      checked("--allow-host", () -> b.allowHost(host));
    }
    if (token != null && !token.isEmpty()) {
      checked("--token", () -> b.token(token));
    }
    if (spool != null) {
      b.spool(spool);
    }
    return b;
  }

  @Override
  int run(Spool spool) {
    SpoolDashboard dashboard;
    try {
      dashboard = builder(spool).build();
    } catch (IllegalStateException e) {
      throw usage(e.getMessage());
    }
    stop.install("spool-dashboard-stop");
    try {
      dashboard.start();
    } catch (UncheckedIOException e) {
      stop.uninstall();
      throw new CommandFailedException(e.getMessage(), e);
    }
    try {
      out().println(dashboard.url());
      out().flush();
      err()
          .println(
              "Spool dashboard for "
                  + client.redisDisplay()
                  + " (namespace "
                  + spool.namespace()
                  + (readOnly ? ", read-only" : "")
                  + ") at "
                  + dashboard.url()
                  + "; "
                  + stop.stopKey()
                  + " stops it.");
      err().flush();
      stop.awaitRequest();
    } finally {
      dashboard.stop();
      stop.finished();
      stop.uninstall();
    }
    return 0;
  }
}
