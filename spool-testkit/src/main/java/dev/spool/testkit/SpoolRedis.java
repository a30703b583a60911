package dev.spool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server on a free port of 127.0.0.1, for tests.
 *
 * <p>Most tests share one server per JVM and keep apart by key namespace:
 *
 * <pre>
 * &#64;RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();
 * ...
 * String ns = SpoolRedis.namespace(); // keys under ns + ":" are this test's own
 * </pre>
 *
 * <p>Tests that stop, restart or flush Redis get a server of their own from {@link #dedicated()}
 * and {@link #close()} it when done.
 *
 * <p>The redis-server comes from {@code $SPOOL_REDIS_SERVER}, else the PATH, else the binary
 * shipped in the embedded-redis jar. Every server this JVM started is stopped when it exits.
 */
public final class SpoolRedis implements BeforeAllCallback, AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicLong namespaces = new AtomicLong();
  private static final long NAMESPACE_RANDOM_BOUND = 36L * 36 * 36 * 36 * 36 * 36;

  private static SpoolRedis shared; // guarded by SpoolRedis.class
  private static RuntimeException sharedFailure; // guarded by SpoolRedis.class

  private final RedisServer server;
  private final boolean isShared;
  private boolean closed; // guarded by this

  private SpoolRedis(RedisServer server, boolean isShared) {
    this.server = server;
    this.isShared = isShared;
  }

  /**
   * The redis-server shared by every test in this JVM, started on first use. It keeps no data on
   * disk, and lives until the JVM exits: {@link #close()} does nothing on it.
   *
   * @throws IllegalStateException if it cannot be started (and on every later call, at once)
   */
  public static synchronized SpoolRedis embedded() {
    if (shared == null) {
      if (sharedFailure != null) {
        // Each test class would otherwise wait for the same failure again.
        throw new IllegalStateException(
            "the shared redis-server failed to start earlier in this JVM", sharedFailure);
      }
      try {
        shared = started(RedisServer.create(false), true);
      } catch (RuntimeException e) {
        sharedFailure = e;
        throw e;
      }
    }
    return shared;
  }

  /**
   * A new redis-server of its own (own port, own temp dir), started. It saves on {@link #stop()}
   * and loads that data back on {@link #start()}; {@link #close()} stops it and deletes its dir.
   */
  public static SpoolRedis dedicated() {
    return started(RedisServer.create(true), false);
  }

  /**
   * A new redis-server of its own that speaks only TLS ({@code --port 0 --tls-port <port>}) with
   * these certificates; {@link #uri()} is {@code rediss://127.0.0.1:<port>}. Clients need not
   * present a certificate. Needs a redis-server built with TLS.
   *
   * @throws IllegalStateException if the server cannot start (e.g. it was built without TLS)
   */
  public static SpoolRedis dedicatedTls(RedisTls tls) {
    return started(RedisServer.createTls(tls), false);
  }

  private static SpoolRedis started(RedisServer server, boolean isShared) {
    try {
      server.start();
    } catch (RuntimeException e) {
      server.dispose();
      throw e;
    }
    return new SpoolRedis(server, isShared);
  }

  /**
   * A fresh key namespace, unique in this JVM and unlikely to clash across JVMs, e.g. {@code
   * t12-k3x9qa}: tests that keep their keys under their own namespace never need FLUSHALL and can
   * run in parallel on the shared server.
   */
  public static String namespace() {
    long random = ThreadLocalRandom.current().nextLong(NAMESPACE_RANDOM_BOUND);
    String suffix = Long.toString(random, 36);
    return "t" + namespaces.incrementAndGet() + "-" + "0".repeat(6 - suffix.length()) + suffix;
  }

  /** Makes sure the server runs before the test class's tests do. */
  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  /** The server's URI, {@code redis://127.0.0.1:<port>} ({@code rediss://} if TLS). */
  public String uri() {
    return (server.isTls() ? "rediss://" : "redis://") + host() + ":" + port();
  }

  /** The address the server listens on: always {@code 127.0.0.1}. */
  public String host() {
    return RedisServer.HOST;
  }

  /** The server's port; the same across {@link #stop()} and {@link #start()}. */
  public int port() {
    return server.port();
  }

  /** The server's version, as its {@code INFO server} reports it, e.g. {@code 6.2.11}. */
  public String version() {
    return server.version();
  }

  /** Whether the server process is up. */
  public boolean isRunning() {
    return server.isRunning();
  }

  /**
   * Whether the server runs in a session of its own (where {@code setsid} exists), so a Ctrl-C in
   * the terminal reaches only the JVM, which may still use the server while it stops.
   */
  public boolean ownSession() {
    return RedisServer.ownSession();
  }

  /**
   * Stops the server: SHUTDOWN SAVE, then waits for the process to exit (killing it after 5 s).
   * Does nothing if it is stopped already. On the shared server this affects every test in the JVM,
   * and its data is lost.
   */
  public synchronized void stop() {
    server.stop();
  }

  /**
   * Starts the server again, on the same port and with the same dir, so a dedicated server comes
   * back with the data it saved on {@link #stop()}. Does nothing if it runs already.
   *
   * @throws IllegalStateException if this server was closed, or cannot start
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("this SpoolRedis was closed: " + uri());
    }
    server.start();
  }

  /**
   * Freezes the server process (SIGSTOP), as a stalled host would: connections stay open, nothing
   * is answered until {@link #resume()}. Dedicated servers only.
   */
  public void pause() {
    requireDedicated("pause()");
    server.signal("STOP");
  }

  /** Lets a {@link #pause() paused} server run again (SIGCONT). */
  public void resume() {
    requireDedicated("resume()");
    server.signal("CONT");
  }

  private void requireDedicated(String what) {
    if (isShared) {
      throw new IllegalStateException(
          what
              + " on the shared redis-server would affect other tests: use SpoolRedis.dedicated()");
    }
  }

  /**
   * Kills the server process (SIGKILL), as a crash would: connections are cut, nothing is saved;
   * {@link #start()} brings it back on the same port. Works on a {@link #pause() paused} server.
   * Dedicated servers only.
   */
  public void crash() {
    requireDedicated("crash()");
    server.crash();
  }

  /** {@link #stop()}, then {@link #start()}. */
  public synchronized void restart() {
    stop();
    start();
  }

  /**
   * Deletes every key, on a dedicated server only.
   *
   * @throws IllegalStateException on the shared server, whose keys belong to other tests too
   */
  public void flushAll() {
    if (isShared) {
      throw new IllegalStateException(
          "flushAll() on the shared redis-server would delete other tests' keys:"
              + " use SpoolRedis.namespace(), or SpoolRedis.dedicated()");
    }
    try (RespClient client = server.connect(port(), COMMAND_TIMEOUT)) {
      client.call("FLUSHALL");
    } catch (IOException e) {
      throw new UncheckedIOException("FLUSHALL failed on " + uri(), e);
    }
  }

  /**
   * Stops a dedicated server and deletes its dir. Does nothing on the shared server, which lives
   * until the JVM exits.
   */
  @Override
  public synchronized void close() {
    if (isShared || closed) {
      return;
    }
    closed = true;
    server.dispose();
  }

  @Override
  public String toString() {
    return "SpoolRedis[" + uri() + (isShared ? ", shared]" : ", dedicated]");
  }
}
