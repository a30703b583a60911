package dev.spool;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The commands clients send to Redis under one namespace, as {@code MONITOR} shows them (not those
 * scripts call): to count what background duties ask of Redis. A window of them is closed by a
 * marker command of the test's own, seen once Redis has run everything sent before it.
 */
final class MonitoredCommands implements AutoCloseable {
  private final Socket socket;
  private final String namespace;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AtomicInteger markers = new AtomicInteger();

  MonitoredCommands(String host, int port, String namespace) throws IOException {
    this.socket = new Socket(host, port);
    this.namespace = namespace;
    OutputStream out = socket.getOutputStream();
    out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String ok = in.readLine();
    if (!"+OK".equals(ok)) {
      throw new IOException("MONITOR answered " + ok);
    }
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  // A client's command, not a script's ("[0 lua]"), under this namespace.
                  if (line.contains(namespace) && !line.contains(" lua] ")) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                // closed
              }
            });
  }

  /**
   * Runs {@code marker} with the key it is given (a GET, say) and returns once the monitor saw it:
   * every command Redis ran before it is counted. Returns the position of the marker.
   */
  int mark(Consumer<String> marker) {
    String key = namespace + ":marker:" + markers.incrementAndGet();
    marker.accept(key);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.stream().anyMatch(l -> l.contains(key)));
    for (int i = lines.size() - 1; ; i--) {
      if (lines.get(i).contains(key)) {
        return i;
      }
    }
  }

  /** How many commands named {@code command} on a key containing {@code keyPart} ran in between. */
  long count(int from, int to, String command, String keyPart) {
    String name = "\"" + command.toUpperCase(Locale.ROOT) + "\"";
    return lines.subList(from, to).stream()
        .filter(l -> l.contains("] " + name) || l.contains("] " + name.toLowerCase(Locale.ROOT)))
        .filter(l -> l.contains(keyPart))
        .count();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
