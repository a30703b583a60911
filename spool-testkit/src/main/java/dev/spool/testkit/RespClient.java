package dev.spool.testkit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal RESP2 client over a plain socket, enough for the testkit's own PING, INFO, SHUTDOWN and
 * FLUSHALL (and a few SET/GET in its tests). One command at a time; not thread-safe.
 */
final class RespClient implements AutoCloseable {
  private static final byte[] CRLF = {'\r', '\n'};

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  /** Connects to {@code host:port}; {@code timeout} bounds the connect and every read. */
  static RespClient connect(String host, int port, Duration timeout) throws IOException {
    return connect(host, port, timeout, null);
  }

  /** As {@link #connect(String, int, Duration)}, over TLS when {@code tls} is not null. */
  static RespClient connect(String host, int port, Duration timeout, SSLSocketFactory tls)
      throws IOException {
    int millis = Math.toIntExact(timeout.toMillis());
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      socket.setTcpNoDelay(true);
      if (tls == null) {
        return new RespClient(socket);
      }
      SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, port, true);
      secure.startHandshake();
      return new RespClient(secure);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends one command and reads its reply: a {@code String} (simple or bulk), a {@code Long}, a
   * {@code List<Object>}, or {@code null} for a nil reply.
   *
   * @throws ErrorReply if the server answered with an error
   */
  Object call(String... args) throws IOException {
    send(args);
    return read();
  }

  /** Sends PING and returns the answer ({@code PONG}). */
  String ping() throws IOException {
    return (String) call("PING");
  }

  /** The fields of {@code INFO section}, e.g. {@code redis_version} for section "server". */
  Map<String, String> info(String section) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : ((String) call("INFO", section)).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return fields;
  }

  /**
   * Sends SHUTDOWN SAVE (or NOSAVE) and returns once the server has closed the connection, which is
   * how it acknowledges a successful shutdown.
   *
   * @throws ErrorReply if the server refused to shut down (e.g. it could not save)
   */
  void shutdown(boolean save) throws IOException {
    send("SHUTDOWN", save ? "SAVE" : "NOSAVE");
    Object reply;
    try {
      reply = read();
    } catch (EOFException | SocketException closed) {
      return;
    }
    throw new IOException("unexpected reply to SHUTDOWN: " + reply);
  }

  private void send(String... args) throws IOException {
    out.write(("*" + args.length + "\r\n").getBytes(US_ASCII));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(UTF_8);
      out.write(("$" + bytes.length + "\r\n").getBytes(US_ASCII));
      out.write(bytes);
      out.write(CRLF);
    }
    out.flush();
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type == -1) {
      throw new EOFException("connection closed by the server");
    }
    String line = readLine();
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new ErrorReply(line);
      case ':' -> Long.parseLong(line);
      case '$' -> readBulk(Integer.parseInt(line));
      case '*' -> readArray(Integer.parseInt(line));
      default -> throw new IOException("not a RESP reply: " + (char) type + line);
    };
  }

  private String readBulk(int length) throws IOException {
    if (length < 0) {
      return null;
    }
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException("connection closed in the middle of a reply");
    }
    readLine(); // the CRLF after the payload
    return new String(bytes, UTF_8);
  }

  private List<Object> readArray(int count) throws IOException {
    if (count < 0) {
      return null;
    }
    List<Object> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      try {
        items.add(read());
      } catch (ErrorReply e) {
        items.add(e); // an error inside an array (e.g. EXEC) is an item, not a failed call
      }
    }
    return items;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b == -1) {
        throw new EOFException("connection closed in the middle of a reply");
      }
      line.write(b);
    }
    if (in.read() != '\n') {
      throw new IOException("malformed RESP line: CR without LF");
    }
    return line.toString(UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** An error reply from the server, such as {@code -ERR ...} or {@code -LOADING ...}. */
  static final class ErrorReply extends IOException {
    ErrorReply(String message) {
      super(message);
    }
  }
}
