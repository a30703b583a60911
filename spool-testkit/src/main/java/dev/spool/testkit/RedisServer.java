package dev.spool.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One redis-server process that this JVM started. Its port and data dir are chosen on the first
 * start and kept, so a restart comes back where clients expect it, with the data it saved.
 */
final class RedisServer {
  static final String HOST = "127.0.0.1";

  private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
  private static final int START_ATTEMPTS = 5;
  private static final int LOG_TAIL_LINES = 30;

  // Every server not yet disposed of, so none outlives the JVM even if a test forgets close().
  private static final Set<RedisServer> live = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(RedisServer::disposeAll, "spool-redis-shutdown"));
  }

  private final Path binary;
  private final Path dir;
  private final boolean persistent;
  private final RedisTls tls; // null: plain TCP
  private final MemberOptions member;
  private int port; // 0 until the first successful start
  private Process process;
  private String version;

  private RedisServer(
      Path binary, Path dir, boolean persistent, RedisTls tls, MemberOptions member) {
    this.binary = binary;
    this.dir = dir;
    this.persistent = persistent;
    this.tls = tls;
    this.member = member;
  }

  /**
   * A server in a fresh temp dir, not started yet. A persistent one writes an append-only file and
   * saves on SHUTDOWN; the other keeps its data in memory only.
   */
  static RedisServer create(boolean persistent) {
    return create(RedisBinary.get(), persistent, null);
  }

  /** A server that speaks only TLS ({@code --port 0 --tls-port <port>}), not started yet. */
  static RedisServer createTls(RedisTls tls) {
    return create(RedisBinary.get(), false, tls);
  }

  /** Like {@link #create(boolean)}, with the given redis-server executable. */
  static RedisServer create(Path binary, boolean persistent) {
    return create(binary, persistent, null);
  }

  /** A server of a topology (in memory only), not started yet. */
  static RedisServer createMember(MemberOptions member) {
    return create(RedisBinary.get(), false, null, member);
  }

  private static RedisServer create(Path binary, boolean persistent, RedisTls tls) {
    return create(binary, persistent, tls, MemberOptions.NONE);
  }

  private static RedisServer create(
      Path binary, boolean persistent, RedisTls tls, MemberOptions member) {
    try {
      RedisServer server =
          new RedisServer(
              binary, Files.createTempDirectory("spool-redis-"), persistent, tls, member);
      live.add(server);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp dir for redis-server", e);
    }
  }

  synchronized int port() {
    return port;
  }

  synchronized String version() {
    return version;
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Whether the server runs in a session of its own: a Ctrl-C in the terminal misses it. */
  static boolean ownSession() {
    return java.nio.file.Files.isExecutable(SETSID);
  }

  synchronized boolean isTls() {
    return tls != null;
  }

  /** Sends a signal (STOP, CONT) to the running server's process. */
  synchronized void signal(String signal) {
    if (!isRunning()) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
      if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  /** Starts the server unless it runs already, and returns once it answers PING. */
  synchronized void start() {
    if (isRunning()) {
      return;
    }
    PortTaken taken = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      int candidate = port != 0 ? port : member.clusterBus() ? freeClusterPort() : freePort();
      try {
        launch(candidate);
        port = candidate;
        return;
      } catch (PortTaken e) {
        taken = e;
        if (port != 0) {
          pause(Duration.ofMillis(200)); // whoever holds our port may let it go soon
        }
      }
    }
    throw new IllegalStateException(
        "redis-server could not get a port after " + START_ATTEMPTS + " attempts", taken);
  }

  /**
   * Sends SHUTDOWN (SAVE if persistent) and waits for the process to exit; terminates it if that
   * fails, and kills it if it is still there after 5 s.
   */
  synchronized void stop() {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    if (p.isAlive()) {
      try (RespClient client = connect(port, STOP_TIMEOUT)) {
        client.shutdown(persistent);
      } catch (IOException e) {
        log.warn(
            "SHUTDOWN failed on redis-server {}:{}, terminating pid {}", HOST, port, p.pid(), e);
        p.destroy();
      }
    }
    awaitExit(p);
    log.debug("redis-server {}:{} stopped", HOST, port);
  }

  /** Kills the server process (SIGKILL: no save, connections cut) and waits until it is gone. */
  synchronized void crash() {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    p.destroyForcibly();
    awaitExit(p);
  }

  /** Stops the server and deletes its dir; it cannot be started again. */
  synchronized void dispose() {
    try {
      stop();
    } finally {
      live.remove(this);
      deleteRecursively(dir);
    }
  }

  private static void disposeAll() {
    for (RedisServer server : List.copyOf(live)) {
      try {
        server.dispose();
      } catch (RuntimeException e) {
        log.warn("could not stop redis-server {}:{}", HOST, server.port(), e);
      }
    }
  }

  private void launch(int candidate) throws PortTaken {
    Path logFile = dir.resolve("redis.log");
    Path consoleFile = dir.resolve("console.log");
    // Only what this launch appends is ours to report.
    long logStart = size(logFile);
    long consoleStart = size(consoleFile);
    Process p;
    try {
      p =
          new ProcessBuilder(command(candidate, logFile))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary, e);
    }
    try {
      awaitReady(p, candidate, () -> tail(logFile, logStart) + tail(consoleFile, consoleStart));
      process = p;
      log.info(
          "redis-server {} started on {}:{} (pid {}, dir {})",
          version,
          HOST,
          candidate,
          p.pid(),
          dir);
    } catch (PortTaken | RuntimeException e) {
      p.destroyForcibly();
      awaitExit(p);
      throw e;
    }
  }

  /**
   * Runs the server in a session of its own where {@code setsid} exists, so a Ctrl-C in the
   * terminal reaches only the JVM, which then stops the server after its workers have finished.
   * setsid execs in place (the JVM's child leads no group), so the PID stays the server's.
   */
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private List<String> command(int candidate, Path logFile) {
    List<String> command = new ArrayList<>();
    if (ownSession()) {
      command.add(SETSID.toString());
    }
    command.add(binary.toString());
    if (member.configFile() != null) {
      command.add(member.configFile().toString()); // redis-server wants it first
    }
    if (tls != null) {
      command.addAll(
          List.of(
              "--port",
              "0",
              "--tls-port",
              String.valueOf(candidate),
              "--tls-cert-file",
              tls.certificate().toString(),
              "--tls-key-file",
              tls.privateKey().toString(),
              "--tls-ca-cert-file",
              tls.caCertificate().toString(),
              "--tls-auth-clients",
              "no"));
    } else {
      command.addAll(List.of("--port", String.valueOf(candidate)));
    }
    command.addAll(
        List.of(
            "--bind",
            HOST,
            "--dir",
            dir.toString(),
            "--protected-mode",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            logFile.toString()));
    if (persistent) {
      // everysec plus the fsync that SHUTDOWN does: no acknowledged write is lost on stop().
      command.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec"));
    } else {
      command.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    command.addAll(member.options());
    return command;
  }

  private void awaitReady(Process p, int candidate, Supplier<String> logTail) throws PortTaken {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      if (!p.isAlive()) {
        String tail = logTail.get();
        if (tail.contains("Address already in use")) {
          throw new PortTaken(candidate);
        }
        throw new IllegalStateException(
            "redis-server exited with code "
                + p.exitValue()
                + " while starting on port "
                + candidate
                + "; the end of its log:\n"
                + tail);
      }
      Map<String, String> info = probe(candidate);
      if (info != null) {
        // Someone else may be answering on that port while ours fails to bind it.
        if (!String.valueOf(p.pid()).equals(info.get("process_id"))) {
          throw new PortTaken(candidate);
        }
        version = info.get("redis_version");
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "redis-server did not answer PING on port "
                + candidate
                + " within "
                + STARTUP_TIMEOUT.toSeconds()
                + " s; the end of its log:\n"
                + logTail.get());
      }
      pause(Duration.ofMillis(20));
    }
  }

  /** PING, then INFO server; null while the server is not up (or still loading its data). */
  private Map<String, String> probe(int candidate) {
    try (RespClient client = connect(candidate, PROBE_TIMEOUT)) {
      client.ping();
      return client.info("server");
    } catch (IOException e) {
      return null;
    }
  }

  /** A client of the testkit's own, over TLS if the server speaks only that. */
  RespClient connect(int at, Duration timeout) throws IOException {
    RespClient client =
        RespClient.connect(HOST, at, timeout, tls == null ? null : tls.socketFactory());
    if (member.password() != null) {
      try {
        client.call("AUTH", member.password());
      } catch (IOException e) {
        client.close();
        throw e;
      }
    }
    return client;
  }

  /** A client of the testkit's own to this running server. */
  RespClient connect(Duration timeout) throws IOException {
    return connect(port(), timeout);
  }

  /** The server process's id; -1 when it is not running. */
  synchronized long pid() {
    return isRunning() ? process.pid() : -1;
  }

  private static void awaitExit(Process p) {
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("redis-server pid {} still running after {}, killing it", p.pid(), STOP_TIMEOUT);
        p.destroyForcibly();
        p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  /**
   * A free port whose Cluster bus port (+ 10000, fixed on Redis 6.2) is free too: the bus must
   * exist, so the port is at most 55535.
   */
  private static int freeClusterPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int candidate = freePort();
      if (candidate + 10_000 > 65_535) {
        continue;
      }
      try (ServerSocket bus =
          new ServerSocket(candidate + 10_000, 1, InetAddress.getByName(HOST))) {
        return candidate;
      } catch (IOException e) {
        // the bus port is taken: try another
      }
    }
    throw new IllegalStateException("found no free port with a free Cluster bus port on " + HOST);
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The last lines written to {@code file} from byte {@code start} on, or "" if none. */
  private static String tail(Path file, long start) {
    if (!Files.exists(file)) {
      return "";
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(Math.min(start, raf.length()));
      byte[] bytes = new byte[Math.toIntExact(raf.length() - raf.getFilePointer())];
      raf.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      int from = Math.max(0, lines.length - LOG_TAIL_LINES);
      String text = String.join("\n", Arrays.asList(lines).subList(from, lines.length));
      return text.isBlank() ? "" : text + "\n";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      log.warn("could not delete {}", root, e);
    }
  }

  /** The port was taken by someone else between picking it and redis-server binding it. */
  private static final class PortTaken extends Exception {
    PortTaken(int port) {
      super("port " + port + " on " + HOST + " is already in use");
    }
  }
}
