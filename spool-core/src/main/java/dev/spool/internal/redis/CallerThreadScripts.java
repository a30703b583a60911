package dev.spool.internal.redis;

import dev.spool.SpoolException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs scripts on the calling thread over a few blocking sockets of its own, for calls whose caller
 * waits for the answer at once (an enqueue of a single chunk, a worker node's fetch) or soon after
 * ({@link CallerPipeline}: a bulk enqueue's chunks). Lettuce hands every command to its event-loop
 * thread and the answer back, two thread wake-ups per call: at a steady rate of single enqueues
 * they cost more CPU and time than the call itself (docs/benchmarks.md).
 *
 * <p>For a standalone server reached by host and port without TLS ({@link #supports}); at most
 * {@link #MAX_SOCKETS} callers at once, the others use the shared connection, which pipelines them.
 * A call is never sent twice: a socket found dead before use is replaced, one that fails after the
 * command was written is closed and the failure is the caller's (the command may have run, as with
 * a timeout on the shared connection).
 */
final class CallerThreadScripts implements AutoCloseable {
  static final int MAX_SOCKETS = 8;

  /** What {@link #eval} returns when it could not send the call: nothing ran. */
  static final Object NOT_SENT = new Object();

  /**
   * A socket idle this long is checked before use. Redis closes idle clients after a whole number
   * of seconds at the earliest, so one used more recently is only lost to a restart or a kill.
   */
  static final Duration CHECK_IDLE = Duration.ofMillis(250);

  /** After a failed connect, how long calls go the usual way before this tries again. */
  private static final long RETRY_CONNECT_NANOS = Duration.ofSeconds(1).toNanos();

  private final RedisURI uri;
  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final Timer timer;
  private final long checkIdleNanos;
  private final ConcurrentLinkedDeque<RespSocket> idle = new ConcurrentLinkedDeque<>();
  // Borrowed sockets, so that closing ends a wait for an answer whose deadline the stopping timer
  // would drop.
  private final Set<RespSocket> inUse = ConcurrentHashMap.newKeySet();
  private final AtomicInteger open = new AtomicInteger();
  // When the last connect failed; starts a whole retry period back, as if long ago.
  private volatile long connectFailedAt = System.nanoTime() - RETRY_CONNECT_NANOS;
  private volatile boolean closed;

  CallerThreadScripts(RedisURI uri, Duration connectTimeout, Duration commandTimeout, Timer timer) {
    this(uri, connectTimeout, commandTimeout, timer, CHECK_IDLE);
  }

  /** As above, checking sockets idle for {@code checkIdle} (tests check every one). */
  CallerThreadScripts(
      RedisURI uri,
      Duration connectTimeout,
      Duration commandTimeout,
      Timer timer,
      Duration checkIdle) {
    this.uri = uri;
    this.timer = timer;
    this.checkIdleNanos = checkIdle.toNanos();
    this.connectTimeout = connectTimeout;
    this.commandTimeout = commandTimeout;
  }

  /** Whether calls to this server can be made here: plain TCP to one server, no Sentinel. */
  static boolean supports(RedisURI uri) {
    return !uri.isSsl()
        && uri.getSocket() == null
        && uri.getSentinels().isEmpty()
        && uri.getHost() != null;
  }

  /**
   * Runs a script by SHA (its source if Redis answers NOSCRIPT) and returns its answer, decoded as
   * {@link RespSocket} says; or {@link #NOT_SENT} if no socket was free or could be opened.
   *
   * @throws RedisCommandExecutionException if Redis answered with an error
   * @throws IOException if the call failed after it was written (it may have run); a {@link
   *     java.net.SocketTimeoutException} if no answer came within the command timeout
   */
  Object eval(Script script, String[] keys, String[] args) throws IOException {
    RespSocket socket = borrow();
    if (socket == null) {
      return NOT_SENT;
    }
    String keyCount = Integer.toString(keys.length);
    boolean usable = false;
    Timeout deadline;
    try {
      deadline =
          timer.newTimeout(t -> socket.expire(), commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // the client is closing: its timer is stopped
      discard(socket);
      return NOT_SENT;
    }
    try {
      Object answer;
      try {
        answer = socket.call(new String[] {"EVALSHA", script.sha(), keyCount}, keys, args);
      } catch (RedisCommandExecutionException e) {
        if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
          throw e;
        }
        // Nothing ran; the script cache was emptied (a restart, SCRIPT FLUSH): send the source.
        answer = socket.call(new String[] {"EVAL", script.source(), keyCount}, keys, args);
      }
      usable = true;
      return answer;
    } catch (RedisCommandExecutionException e) {
      usable = true; // an error answer leaves the connection in step
      throw e;
    } finally {
      // A deadline that fired at the last moment has closed, or is closing, the socket.
      if (deadline.cancel() && usable) {
        giveBack(socket);
      } else {
        discard(socket);
      }
    }
  }

  /**
   * A socket outside the pool, on {@code channel}, for a caller that holds it for long, such as a
   * blocking wait; the caller closes it (closing the channel ends the connect, too).
   *
   * @throws IOException if it cannot connect, or the server refuses the handshake
   */
  RespSocket openDedicated(SocketChannel channel) throws IOException {
    return RespSocket.open(channel, uri, connectTimeout, timer);
  }

  /**
   * What a call that failed after its write fails with, as the shared connection's would: a late
   * answer as Lettuce's timeout, an interrupt as such, any other break as itself (it may have run).
   */
  Throwable failure(IOException e, String display) {
    if (e instanceof SocketTimeoutException) {
      RedisCommandTimeoutException timeout =
          new RedisCommandTimeoutException(
              "Command timed out after " + commandTimeout.toMillis() + " ms");
      timeout.initCause(e);
      return timeout;
    }
    if (e instanceof ClosedByInterruptException) {
      return new SpoolException("interrupted while waiting for Redis at " + display, e);
    }
    return e;
  }

  /** The timer that ends calls whose answer is late. */
  Timer timer() {
    return timer;
  }

  /** How long a call may wait for its answer. */
  Duration commandTimeout() {
    return commandTimeout;
  }

  /** An idle socket, or a new one; null if none is free and no more may be opened. */
  RespSocket borrow() {
    for (RespSocket s; (s = idle.pollFirst()) != null; ) {
      if (!s.isStale(checkIdleNanos)) {
        inUse.add(s);
        return s;
      }
      discard(s);
    }
    if (closed || System.nanoTime() - connectFailedAt < RETRY_CONNECT_NANOS) {
      return null;
    }
    if (open.incrementAndGet() > MAX_SOCKETS) {
      open.decrementAndGet();
      return null;
    }
    try {
      RespSocket s = RespSocket.open(uri, connectTimeout, timer);
      inUse.add(s);
      return s;
    } catch (IOException | RuntimeException e) {
      // The shared connection will connect, or say why it cannot, as it always has.
      open.decrementAndGet();
      connectFailedAt = System.nanoTime();
      return null;
    }
  }

  void giveBack(RespSocket socket) {
    inUse.remove(socket);
    idle.offerFirst(socket); // the most recently used first: a few sockets stay warm
    if (closed) {
      drain();
    }
  }

  void discard(RespSocket socket) {
    inUse.remove(socket);
    socket.close();
    open.decrementAndGet();
  }

  /** Sockets open now, idle or in use (for tests). */
  int openSockets() {
    return open.get();
  }

  /** The local addresses of the idle sockets, as CLIENT KILL names them (for tests). */
  List<String> idleSocketAddresses() {
    return idle.stream().map(RespSocket::localAddress).toList();
  }

  @Override
  public void close() {
    closed = true;
    drain();
    for (RespSocket s : inUse) {
      s.expire(); // a call waiting on it fails now rather than after a deadline no timer keeps
    }
  }

  private void drain() {
    for (RespSocket s; (s = idle.pollFirst()) != null; ) {
      discard(s);
    }
  }
}
