package dev.spool.internal.redis;

import io.lettuce.core.RedisConnectionException;
import io.netty.util.Timeout;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wait of one server reached by host and port without TLS: one BLPOP over every wake-up list,
 * on a blocking socket that only the waiting thread uses. The element that ends the wait wakes that
 * thread directly; through Lettuce it would wake the event loop first, which then wakes the waiting
 * thread: a second wake-up on the way from an enqueue to the job's start.
 *
 * <p>A socket that fails is closed and opened again by the next wait; {@link #unblock()} closes the
 * socket, which ends a wait at once even while Redis is unreachable.
 */
final class SocketSignalWait implements SignalWait {
  private final CallerThreadScripts sockets;
  private final String[] command;
  private final long deadlineNanos;
  private final Object lock = new Object();
  private RespSocket socket; // guarded by lock; null until (re)opened, and once closed
  private boolean closed; // guarded by lock

  /**
   * Opens the socket at once, so that a node whose Redis refuses it learns so at its start.
   *
   * @throws IOException if it cannot connect
   */
  SocketSignalWait(CallerThreadScripts sockets, List<String> lists, long blockSeconds)
      throws IOException {
    this.sockets = sockets;
    this.command = new String[lists.size() + 2];
    command[0] = "BLPOP";
    for (int i = 0; i < lists.size(); i++) {
      command[i + 1] = lists.get(i);
    }
    command[command.length - 1] = Long.toString(blockSeconds);
    // Redis answers by the bound; a server that never does is given up a command timeout later.
    this.deadlineNanos =
        TimeUnit.SECONDS.toNanos(blockSeconds) + sockets.commandTimeout().toNanos();
    this.socket = sockets.openDedicated();
  }

  @Override
  public void await() throws InterruptedException {
    RespSocket s = current();
    if (s == null) {
      return; // closed
    }
    try {
      call(s);
      return;
    } catch (IOException first) {
      if (endedHere(s, first)) {
        return;
      }
      if (first instanceof SocketTimeoutException) {
        throw failed(first);
      }
    }
    // A socket killed (CLIENT KILL, a restart) while the thread was away is found dead only now:
    // one fresh try, so that it costs no pause. A wake-up element lost with it is harmless.
    RespSocket fresh = current();
    if (fresh == null) {
      return;
    }
    try {
      call(fresh);
    } catch (IOException again) {
      if (!endedHere(fresh, again)) {
        throw failed(again);
      }
    }
  }

  /**
   * After {@code s} failed with {@code e}: true if {@link #unblock} or {@link #close} ended the
   * wait (it is over); otherwise drops the socket, to be opened again.
   *
   * @throws InterruptedException if the waiting thread was interrupted
   */
  private boolean endedHere(RespSocket s, IOException e) throws InterruptedException {
    boolean unblocked;
    synchronized (lock) {
      unblocked = socket != s;
      if (!unblocked) {
        socket = null;
      }
    }
    s.close();
    if (e instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
      InterruptedException interrupted =
          new InterruptedException("interrupted while waiting for new jobs");
      interrupted.initCause(e);
      throw interrupted;
    }
    return unblocked;
  }

  private static RedisConnectionException failed(IOException e) {
    return new RedisConnectionException("the wait for new jobs failed: " + e.getMessage(), e);
  }

  private void call(RespSocket s) throws IOException {
    Timeout deadline;
    try {
      deadline = sockets.timer().newTimeout(t -> s.expire(), deadlineNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // the client is closing: its timer is stopped
      throw new ClosedChannelException();
    }
    try {
      s.call(command); // an element, or nil at the bound: either way the wait is over
    } finally {
      deadline.cancel();
    }
  }

  /**
   * The socket to wait on, opened if the last one failed (outside the lock: {@link #unblock} must
   * not wait for a connect); null once closed.
   *
   * @throws RedisConnectionException if it cannot connect
   */
  private RespSocket current() {
    synchronized (lock) {
      if (closed || socket != null) {
        return socket;
      }
    }
    RespSocket opened;
    try {
      opened = sockets.openDedicated();
    } catch (IOException e) {
      throw new RedisConnectionException("cannot wait for new jobs: " + e.getMessage(), e);
    }
    synchronized (lock) {
      if (!closed && socket == null) {
        socket = opened;
        return opened;
      }
    }
    opened.close();
    return null;
  }

  @Override
  public void unblock() {
    RespSocket s;
    synchronized (lock) {
      s = socket;
      socket = null; // the next wait opens another
    }
    if (s != null) {
      s.close(); // a read blocked on it ends with an AsynchronousCloseException
    }
  }

  @Override
  public void close() {
    RespSocket s;
    synchronized (lock) {
      closed = true;
      s = socket;
      socket = null;
    }
    if (s != null) {
      s.close();
    }
  }
}
