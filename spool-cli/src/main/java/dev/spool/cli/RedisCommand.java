package dev.spool.cli;

import dev.spool.testkit.SpoolRedis;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spool redis}: a throwaway redis-server in the foreground, until Ctrl-C. */
@Command(
    name = "redis",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a throwaway redis-server on 127.0.0.1 in the foreground until Ctrl-C, for trying"
          + " Spool out (e.g. spool demo --redis <URI> in another terminal).",
      "Its data lives in a temp dir deleted on exit."
    })
public final class RedisCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Verbosity verbosity;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "Listen on this port (default, or 0: a free one).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    if (port != null && port == 0) {
      port = null; // as for `spool dashboard --port 0`: a free one
    }
    if (port != null && (port < 1 || port > 65_535)) {
      throw new ParameterException(
          spec.commandLine(), "--port must be 0 (a free one) or in [1, 65535], got " + port);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Server server = port == null ? testkitServer() : fixedPortServer(port);
    // As spool dashboard: Ctrl-C (and SIGTERM) ends the command, which stops the server and exits
    // with 0; the JVM's own shutdown would exit with 130 (143).
    StopSignal stop = new StopSignal().install("spool-redis-stop").handleSigterm();
    try {
      out.println(server.uri());
      out.flush();
      err.println(
          "redis-server is up; "
              + stop.stopKey()
              + " stops it. Try, in another terminal: spool demo --redis "
              + server.uri());
      err.flush();
      stop.awaitRequest();
    } finally {
      err.println();
      err.println("Stopping redis-server...");
      err.flush();
      server.stop();
      stop.finished();
      stop.uninstall();
    }
    return 0;
  }

  /** A server started through the testkit: a free port, the best redis-server on this machine. */
  private static Server testkitServer() {
    SpoolRedis redis = SpoolRedis.dedicated();
    return new Server(redis.uri(), redis::close);
  }

  /**
   * A server on a given port. The testkit picks ports itself, so this one comes from the
   * embedded-redis library (its bundled binary) directly.
   */
  private static Server fixedPortServer(int port) throws IOException {
    redis.embedded.RedisServer server =
        redis.embedded.RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("appendonly no")
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new CommandFailedException(
          "cannot start redis-server on port " + port + " (is the port in use?)", e);
    }
    return new Server(
        "redis://127.0.0.1:" + port,
        () -> {
          try {
            server.stop();
          } catch (IOException e) {
            // exiting anyway
          }
        });
  }

  private record Server(String uri, Runnable stopper) {
    void stop() {
      stopper.run();
    }
  }
}
