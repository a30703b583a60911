package dev.spool.internal.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One blocking connection to a Redis server, speaking RESP2 on the calling thread: the command is
 * written and its answer read by the thread that waits for it, with no hand-off to an I/O thread.
 * Used by {@link CallerThreadScripts}, one caller at a time.
 *
 * <p>Answers are decoded as Lettuce's nested multi-output decodes them: an integer as a {@code
 * Long}, a bulk or simple string as a {@code String}, a nil as null, an array as a {@code List}. An
 * error answer is thrown as a {@link RedisCommandExecutionException} with Redis's message, after
 * which the connection stays usable. Any {@link IOException} leaves it unusable: the caller closes
 * it. Reads block without a socket timeout (a timed read costs three system calls instead of one);
 * {@link #expire} closes the socket from a timer instead, which ends a read in progress.
 */
final class RespSocket implements AutoCloseable {
  private static final String[] NONE = {};

  private final SocketChannel channel;
  private final ByteBuffer input = ByteBuffer.allocateDirect(8192).flip();
  private final ByteBuffer probe = ByteBuffer.allocate(1);
  // A command is encoded into a plain array (cheap even for the C1-only JIT bin/spool uses), then
  // copied once into the direct buffer the socket writes from.
  private byte[] encoded = new byte[4096];
  private int length;
  private ByteBuffer output = ByteBuffer.allocateDirect(4096);
  private volatile boolean expired;
  private long lastUsedNanos = System.nanoTime();

  private RespSocket(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Connects, then authenticates and selects the database the URI names (as Lettuce would), all
   * within {@code connectTimeout}: a server that accepts but never answers is given up.
   *
   * @throws IOException if it cannot connect, or the server refuses the handshake
   */
  static RespSocket open(RedisURI uri, Duration connectTimeout, Timer timer) throws IOException {
    return open(SocketChannel.open(), uri, connectTimeout, timer);
  }

  /**
   * As {@link #open(RedisURI, Duration, Timer)}, on a channel the caller made, so that another
   * thread can close it to end the connect and the handshake at once.
   */
  static RespSocket open(SocketChannel channel, RedisURI uri, Duration connectTimeout, Timer timer)
      throws IOException {
    try {
      channel
          .socket()
          .connect(
              new InetSocketAddress(uri.getHost(), uri.getPort()), (int) connectTimeout.toMillis());
      channel.socket().setTcpNoDelay(true);
      channel.socket().setKeepAlive(true);
      RespSocket socket = new RespSocket(channel);
      Timeout deadline =
          timer.newTimeout(t -> socket.expire(), connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
      try {
        socket.handshake(uri);
      } finally {
        deadline.cancel();
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void handshake(RedisURI uri) throws IOException {
    char[] password = uri.getPassword();
    if (password != null && password.length > 0) {
      String secret = new String(password);
      String user = uri.getUsername();
      expectOk(user == null || user.isEmpty() ? call("AUTH", secret) : call("AUTH", user, secret));
    }
    if (uri.getDatabase() != 0) {
      expectOk(call("SELECT", Integer.toString(uri.getDatabase())));
    }
    if (uri.getClientName() != null) {
      expectOk(call("CLIENT", "SETNAME", uri.getClientName()));
    }
    // Always one answer before the socket is used: a server at maxclients accepts the connection,
    // writes an error and closes it, which a first script call would take for its own answer.
    if (!"PONG".equals(call("PING"))) {
      throw new ProtocolException("unexpected answer to PING");
    }
  }

  private static void expectOk(Object answer) throws ProtocolException {
    if (!"OK".equals(answer)) {
      throw new ProtocolException("unexpected answer to the handshake: " + answer);
    }
  }

  /**
   * Sends one command and reads its answer.
   *
   * @throws RedisCommandExecutionException if Redis answered with an error
   * @throws IOException if the connection failed or timed out (whether Redis ran it is unknown)
   */
  Object call(String... words) throws IOException {
    return call(words, NONE, NONE);
  }

  /** Sends {@code head}, then {@code keys}, then {@code args} as one command; reads its answer. */
  Object call(String[] head, String[] keys, String[] args) throws IOException {
    send(head, keys, args);
    return receive();
  }

  /**
   * Writes one command without reading its answer, for calls pipelined on one thread: their answers
   * are read in order with {@link #receive}. If the write fails, {@link #wroteWhole} tells whether
   * the command got out whole (an interrupt can be reported after the last byte) and may run, or
   * not, and never will: Redis runs no command it did not receive whole.
   */
  void send(String[] head, String[] keys, String[] args) throws IOException {
    length = 0;
    appendCount('*', head.length + keys.length + args.length);
    for (String s : head) {
      appendBulk(s);
    }
    for (String s : keys) {
      appendBulk(s);
    }
    for (String s : args) {
      appendBulk(s == null ? "" : s); // as Spool's Lettuce path sends a null value
    }
    if (output.capacity() < length) {
      output = ByteBuffer.allocateDirect(encoded.length);
    }
    output.clear().put(encoded, 0, length).flip();
    try {
      while (output.hasRemaining()) {
        channel.write(output);
      }
    } catch (ClosedChannelException e) {
      throw timedOutIfExpired(e);
    }
  }

  /** Whether the last command {@link #send} began went out whole, even if the write then failed. */
  boolean wroteWhole() {
    return !output.hasRemaining();
  }

  /**
   * Reads the answer to the oldest command sent and not answered yet.
   *
   * @throws RedisCommandExecutionException if Redis answered with an error (the connection stays in
   *     step)
   * @throws IOException if the connection failed, or {@link #expire} closed it
   */
  Object receive() throws IOException {
    try {
      Object answer = read();
      lastUsedNanos = System.nanoTime();
      return answer;
    } catch (ClosedChannelException e) {
      throw timedOutIfExpired(e);
    }
  }

  private IOException timedOutIfExpired(ClosedChannelException e) {
    if (!expired) {
      return e;
    }
    SocketTimeoutException timeout = new SocketTimeoutException("no answer in time");
    timeout.initCause(e);
    return timeout;
  }

  /** This end's address as Redis lists it, host:port (for tests). */
  String localAddress() {
    try {
      InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
      return local.getAddress().getHostAddress() + ":" + local.getPort();
    } catch (IOException e) {
      return "closed";
    }
  }

  /** Closes the socket because its answer is late: the call waiting for it fails as timed out. */
  void expire() {
    expired = true;
    close();
  }

  /**
   * Whether the connection went bad while it sat idle for at least {@code idleNanos}: the server
   * closed it (a restart, a client timeout, CLIENT KILL) or sent something unasked. Checked without
   * blocking, so a command is not written into a connection already known dead; a connection used
   * more recently than that is not checked (three system calls saved per call).
   */
  boolean isStale(long idleNanos) {
    if (!channel.isOpen() || input.hasRemaining()) {
      return true;
    }
    if (System.nanoTime() - lastUsedNanos < idleNanos) {
      return false;
    }
    try {
      channel.configureBlocking(false);
      try {
        probe.clear();
        return channel.read(probe) != 0;
      } finally {
        channel.configureBlocking(true);
      }
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing: nothing more to do with it
    }
  }

  private void appendBulk(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    appendCount('$', bytes.length);
    ensure(bytes.length + 2);
    System.arraycopy(bytes, 0, encoded, length, bytes.length);
    length += bytes.length;
    encoded[length++] = '\r';
    encoded[length++] = '\n';
  }

  /** A type byte, a count in decimal, CRLF. */
  private void appendCount(char type, int n) {
    ensure(13); // the type, at most 10 digits, CRLF
    encoded[length++] = (byte) type;
    int digits = 1;
    for (int v = n; v >= 10; v /= 10) {
      digits++;
    }
    for (int i = length + digits - 1, v = n; i >= length; i--, v /= 10) {
      encoded[i] = (byte) ('0' + v % 10);
    }
    length += digits;
    encoded[length++] = '\r';
    encoded[length++] = '\n';
  }

  private void ensure(int more) {
    if (encoded.length - length < more) {
      encoded = Arrays.copyOf(encoded, Math.max(encoded.length * 2, length + more));
    }
  }

  /** The next byte of the answer. */
  private int next() throws IOException {
    fillIfEmpty();
    return input.get() & 0xff;
  }

  /** Reads more of the answer from the socket (blocking) once the buffer is used up. */
  private void fillIfEmpty() throws IOException {
    while (!input.hasRemaining()) {
      input.clear();
      int n = channel.read(input);
      input.flip();
      if (n < 0) {
        throw new EOFException("connection closed by Redis");
      }
    }
  }

  /**
   * Reads one whole answer; an error answer, also one nested in an array, is thrown once the answer
   * is read to its end (so the connection stays in step).
   */
  private Object read() throws IOException {
    Object answer = readValue();
    if (answer instanceof ErrorAnswer error) {
      throw new RedisCommandExecutionException(error.message());
    }
    return answer;
  }

  /** An error answer, read but not thrown yet. */
  private record ErrorAnswer(String message) {}

  private Object readValue() throws IOException {
    int type = next();
    return switch (type) {
      case '+' -> line();
      case '-' -> new ErrorAnswer(line());
      case ':' -> number();
      case '$' -> bulk();
      case '*' -> array();
      default -> throw new ProtocolException("unexpected RESP type byte " + type);
    };
  }

  private Object bulk() throws IOException {
    long n = number();
    if (n < 0) {
      return null;
    }
    if (n > Integer.MAX_VALUE - 2) {
      throw new ProtocolException("bulk string too long: " + n);
    }
    byte[] bytes = new byte[(int) n];
    for (int at = 0; at < bytes.length; ) {
      fillIfEmpty();
      int take = Math.min(input.remaining(), bytes.length - at);
      input.get(bytes, at, take);
      at += take;
    }
    crlf();
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private Object array() throws IOException {
    long n = number();
    if (n < 0) {
      return null;
    }
    List<Object> items = new ArrayList<>((int) Math.min(n, 1024));
    ErrorAnswer error = null;
    for (long i = 0; i < n; i++) {
      Object item = readValue();
      if (item instanceof ErrorAnswer e && error == null) {
        error = e;
      }
      items.add(item);
    }
    return error != null ? error : items;
  }

  private long number() throws IOException {
    long value = 0;
    boolean negative = false;
    int c = next();
    if (c == '-') {
      negative = true;
      c = next();
    }
    int digits = 0;
    while (c >= '0' && c <= '9') {
      value = value * 10 + (c - '0');
      digits++;
      c = next();
    }
    if (digits == 0 || c != '\r' || next() != '\n') {
      throw new ProtocolException("bad RESP number");
    }
    return negative ? -value : value;
  }

  private String line() throws IOException {
    ByteArrayOutputStream s = new ByteArrayOutputStream(64);
    int c;
    while ((c = next()) != '\r') {
      s.write(c);
    }
    if (next() != '\n') {
      throw new ProtocolException("bad RESP line ending");
    }
    return s.toString(StandardCharsets.UTF_8);
  }

  private void crlf() throws IOException {
    if (next() != '\r' || next() != '\n') {
      throw new ProtocolException("bad RESP line ending");
    }
  }
}
