package dev.spool.internal.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.ScriptOutputType;
import io.netty.util.Timeout;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Script calls pipelined on the caller's thread over one socket of {@link CallerThreadScripts}: a
 * call is written at once, and answers are read, in the order of the calls, when the caller asks
 * for one ({@link #readUntil}). For a caller that sends several calls before it awaits them (a bulk
 * enqueue of several chunks): Redis runs one call while the caller encodes the next, and no answer
 * goes through Lettuce's event loop, which would cost two thread wake-ups and a copy per call. One
 * thread uses a pipeline, then closes it, which gives the socket back.
 *
 * <p>Failures are those of {@link RedisConnection#evalOnCallerThread}, and a call is never sent
 * twice. Writes and reads each have the command timeout as deadline. A call whose write failed
 * before it was out whole never runs: it fails as not sent ({@link RedisConnectionException}), and
 * so does every later call. The calls written before a broken or late read or write fail as such:
 * they may have run (or not: their socket is closed, and Redis drops what it had not read yet). An
 * error answer fails its own call only; NOSCRIPT (the script cache was emptied) sends that call's
 * source once, after the calls already in flight, which met the same empty cache: the calls run in
 * their order unless another client loads the script in between.
 */
public final class CallerPipeline implements ScriptCalls, AutoCloseable {
  private final CallerThreadScripts scripts;
  private final String display;
  private final ArrayDeque<Call> inFlight = new ArrayDeque<>();
  private RespSocket socket; // null once it broke or was given back
  private IOException broken; // why the socket was dropped, if it was

  /** One call written and not answered yet; {@code bySource} once it was sent as EVAL. */
  private record Call(
      CompletableFuture<Object> answer,
      Script script,
      String[] keys,
      String[] args,
      boolean bySource) {}

  CallerPipeline(CallerThreadScripts scripts, RespSocket socket, String display) {
    this.scripts = scripts;
    this.socket = socket;
    this.display = display;
  }

  /**
   * Writes the call; the future completes when {@link #readUntil} reads its answer (decoded as
   * {@link RespSocket} says, for Lettuce's {@code MULTI} or {@code INTEGER} outputs).
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> eval(
      Script script, ScriptOutputType output, String[] keys, String... args) {
    if (output != ScriptOutputType.MULTI && output != ScriptOutputType.INTEGER) {
      throw new IllegalArgumentException("a caller pipeline decodes MULTI or INTEGER answers only");
    }
    CompletableFuture<Object> answer = new CompletableFuture<>();
    write(new Call(answer, script, keys, args, false));
    return (CompletableFuture<T>) (CompletableFuture<?>) answer;
  }

  /**
   * Reads answers until {@code future} (a call's, or one that completes with it) is done; returns
   * at once if no call is in flight.
   */
  @Override
  public void readUntil(Future<?> future) {
    while (!future.isDone() && !inFlight.isEmpty()) {
      readNext();
    }
  }

  /** Calls written and not answered yet (for tests). */
  int inFlight() {
    return inFlight.size();
  }

  private void write(Call call) {
    RespSocket s = socket;
    if (s == null) {
      call.answer().completeExceptionally(notSent(broken));
      return;
    }
    String keyCount = Integer.toString(call.keys().length);
    String[] head =
        call.bySource()
            ? new String[] {"EVAL", call.script().source(), keyCount}
            : new String[] {"EVALSHA", call.script().sha(), keyCount};
    // A write blocks while Redis reads nothing and the buffers are full: it has a deadline too.
    Timeout deadline = deadline(s);
    if (deadline == null) {
      call.answer().completeExceptionally(notSent(broken));
      return;
    }
    try {
      s.send(head, call.keys(), call.args());
    } catch (IOException e) {
      deadline.cancel();
      if (s.wroteWhole()) {
        inFlight.addLast(call); // out whole before the failure (an interrupt): it may run
        drop(e);
      } else {
        drop(e);
        call.answer().completeExceptionally(notSent(e));
      }
      return;
    }
    boolean inTime = deadline.cancel();
    inFlight.addLast(call);
    if (!inTime) {
      drop(new SocketTimeoutException("no answer in time")); // the timer is closing the socket
    }
  }

  /** A deadline that closes {@code s}; null if the client is closing (the socket is dropped). */
  private Timeout deadline(RespSocket s) {
    try {
      return scripts
          .timer()
          .newTimeout(t -> s.expire(), scripts.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // the client is closing: its timer is stopped
      drop(new IOException("the Redis client is closing", e));
      return null;
    }
  }

  private void readNext() {
    RespSocket s = socket;
    Timeout deadline = deadline(s); // null: the socket was dropped, failing the calls in flight
    if (deadline == null) {
      return;
    }
    Call call = inFlight.removeFirst();
    Object answer = null;
    RedisCommandExecutionException error = null;
    try {
      answer = s.receive();
    } catch (RedisCommandExecutionException e) {
      error = e; // an answer: the socket stays in step
    } catch (IOException e) {
      deadline.cancel();
      inFlight.addFirst(call);
      drop(e);
      return;
    } catch (RuntimeException | Error e) { // half an answer read, say: never to be reused
      deadline.cancel();
      inFlight.addFirst(call);
      drop(new IOException("reading an answer failed", e));
      throw e;
    }
    boolean inTime = deadline.cancel();
    if (error == null) {
      call.answer().complete(answer);
    } else if (!call.bySource()
        && error.getMessage() != null
        && error.getMessage().startsWith("NOSCRIPT")) {
      // Nothing ran (a restart, SCRIPT FLUSH): the source goes after the calls in flight.
      write(new Call(call.answer(), call.script(), call.keys(), call.args(), true));
    } else {
      call.answer().completeExceptionally(error);
    }
    if (!inTime && socket == s) {
      // The deadline fired as the answer came: the timer is closing the socket.
      drop(new SocketTimeoutException("no answer in time"));
    }
  }

  /**
   * Drops a socket that failed: the calls in flight fail with the reason (they may have run), and
   * later ones are not sent.
   */
  private void drop(IOException reason) {
    broken = reason;
    if (socket != null) {
      scripts.discard(socket);
      socket = null;
    }
    Throwable failure = scripts.failure(reason, display);
    for (Call c; (c = inFlight.pollFirst()) != null; ) {
      c.answer().completeExceptionally(failure);
    }
  }

  private static RedisConnectionException notSent(IOException reason) {
    return new RedisConnectionException(
        "not sent: the connection to Redis broke before this call was written whole", reason);
  }

  /**
   * Gives the socket back once every answer was read; if some were not (the caller stopped
   * reading), it is closed instead and their calls fail as having maybe run.
   */
  @Override
  public void close() {
    if (socket == null) {
      return;
    }
    if (inFlight.isEmpty()) {
      scripts.giveBack(socket);
      socket = null;
    } else {
      drop(new IOException("the pipeline was closed before these answers were read"));
    }
  }
}
