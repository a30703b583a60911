package dev.spool.internal.redis;

import io.lettuce.core.RedisConnectionException;
import io.netty.util.Timeout;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wait of one server reached by host and port without TLS: one BLPOP over every wake-up list,
 * on a blocking socket that only the waiting thread uses. The element that ends the wait wakes that
 * thread directly; through Lettuce it would wake the event loop first, which then wakes the waiting
 * thread: a second wake-up on the way from an enqueue to the job's start.
 *
 * <p>A socket that fails is closed and opened again (once at once, then by the next wait). {@link
 * #unblock()} and {@link #close()} end a wait by closing its socket, or the channel still
 * connecting: at once, also while Redis is unreachable.
 */
final class SocketSignalWait implements SignalWait {
  private final CallerThreadScripts sockets;
  private final String[] command;
  private final long deadlineNanos;
  private final Object lock = new Object();
  // Guarded by lock: the socket (null until opened), a channel still connecting, how many times
  // a wait was ended from outside (a wait that sees it change is over), and whether closed.
  private RespSocket socket;
  private SocketChannel connecting;
  private long unblocks;
  private boolean closed;

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
    this.socket = sockets.openDedicated(SocketChannel.open());
  }

  @Override
  public void await() throws InterruptedException {
    long ticket;
    synchronized (lock) {
      ticket = unblocks;
    }
    // A socket killed (CLIENT KILL, a restart) while the thread was away is found dead only by its
    // next call: one fresh try then, so that it costs no pause. A wake-up element lost with it is
    // harmless. A server that does not answer is not tried again at once.
    for (int attempt = 1; ; attempt++) {
      RespSocket s = current(ticket);
      if (s == null) {
        return; // ended from outside, or closed
      }
      try {
        call(s);
        return;
      } catch (IOException e) {
        if (endedFromOutside(s, e, ticket)) {
          return;
        }
        if (attempt == 2 || e instanceof SocketTimeoutException) {
          throw new RedisConnectionException("the wait for new jobs failed: " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * After {@code s} failed with {@code e}: true if {@link #unblock} or {@link #close} ended the
   * wait (it is over); false if the socket failed by itself, which is then dropped, to be opened
   * again.
   *
   * @throws InterruptedException if the waiting thread was interrupted
   */
  private boolean endedFromOutside(RespSocket s, IOException e, long ticket)
      throws InterruptedException {
    boolean ended;
    synchronized (lock) {
      ended = closed || unblocks != ticket;
      if (socket == s) {
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
    return ended;
  }

  private void call(RespSocket s) throws IOException {
    Timeout deadline;
    try {
      deadline = sockets.timer().newTimeout(t -> s.expire(), deadlineNanos, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // the client is closing: its timer is stopped
      throw new RedisConnectionException("the client is closing", e);
    }
    try {
      s.call(command); // an element, or nil at the bound: either way the wait is over
    } finally {
      deadline.cancel();
    }
  }

  /**
   * The socket to wait on, opened if the last one failed; null if the wait was ended from outside
   * since {@code ticket} was taken, or closed. The channel is known while it connects, so that
   * {@link #unblock} can end the connect too.
   *
   * @throws RedisConnectionException if it cannot connect
   */
  private RespSocket current(long ticket) {
    SocketChannel channel;
    synchronized (lock) {
      if (closed || unblocks != ticket) {
        return null;
      }
      if (socket != null) {
        return socket;
      }
      try {
        channel = SocketChannel.open();
      } catch (IOException e) {
        throw new RedisConnectionException("cannot wait for new jobs: " + e.getMessage(), e);
      }
      connecting = channel;
    }
    RespSocket opened = null;
    Exception failure = null;
    try {
      opened = sockets.openDedicated(channel);
    } catch (IOException | RuntimeException e) { // RuntimeException: the handshake was refused
      failure = e;
    }
    synchronized (lock) {
      if (connecting == channel) {
        connecting = null;
      }
      if (closed || unblocks != ticket) {
        if (opened != null) {
          opened.close();
        }
        return null;
      }
      if (failure != null) {
        throw new RedisConnectionException(
            "cannot wait for new jobs: " + failure.getMessage(), failure);
      }
      socket = opened;
      return opened;
    }
  }

  @Override
  public void unblock() {
    end(false);
  }

  @Override
  public void close() {
    end(true);
  }

  private void end(boolean close) {
    RespSocket s;
    SocketChannel c;
    synchronized (lock) {
      closed |= close;
      unblocks++;
      s = socket;
      c = connecting;
      socket = null; // the next wait opens another
      connecting = null;
    }
    if (s != null) {
      s.close(); // a read blocked on it ends with an AsynchronousCloseException
    }
    if (c != null) {
      try {
        c.close(); // a connect or handshake in progress ends the same way
      } catch (IOException e) {
        // closing: nothing more to do with it
      }
    }
  }
}
