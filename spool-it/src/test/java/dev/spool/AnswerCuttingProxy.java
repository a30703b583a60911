package dev.spool;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of Redis that, once armed with a marker, lets the next request containing it
 * reach Redis and run, then drops Redis's answer and closes that connection: the client never
 * learns what the call did, as when a link or a Redis dies between a script's run and its reply.
 */
final class AnswerCuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int redisPort;
  private final AtomicReference<String> marker = new AtomicReference<>();
  private final AtomicInteger cut = new AtomicInteger();
  private volatile CountDownLatch held; // counted down once the marked request is held
  private volatile CountDownLatch release; // the held request goes on to Redis once it opens

  AnswerCuttingProxy(int redisPort) throws IOException {
    this.redisPort = redisPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  String uri() {
    return "redis://127.0.0.1:" + server.getLocalPort();
  }

  /** The next request whose bytes contain {@code text} runs in Redis, its answer never arrives. */
  void cutTheAnswerTo(String text) {
    marker.set(text);
  }

  /**
   * As {@link #cutTheAnswerTo}, but the request is held in the proxy (sent by the client, not yet
   * seen by Redis) until {@code release} opens; {@code held} is counted down once it is.
   */
  void holdThenCutTheAnswerTo(String text, CountDownLatch held, CountDownLatch release) {
    this.held = held;
    this.release = release;
    marker.set(text);
  }

  /** How many answers were cut so far. */
  int answersCut() {
    return cut.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
        Pair pair = new Pair(client, redis);
        Thread.ofVirtual().start(pair::requests);
        Thread.ofVirtual().start(pair::answers);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** One client connection and its own connection to Redis. */
  private final class Pair {
    final Socket client;
    final Socket redis;
    volatile boolean cutting;

    Pair(Socket client, Socket redis) {
      this.client = client;
      this.redis = redis;
    }

    void requests() {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = client.getInputStream();
          OutputStream out = redis.getOutputStream()) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          String wanted = marker.get();
          if (wanted != null
              && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(wanted)
              && marker.compareAndSet(wanted, null)) {
            cutting = true; // before the request leaves: its answer must not get through
            CountDownLatch wait = release;
            if (wait != null) {
              held.countDown();
              wait.await();
            }
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed: the pair ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeBoth();
      }
    }

    void answers() {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = redis.getInputStream();
          OutputStream out = client.getOutputStream()) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          if (cutting) { // Redis ran the request: its answer is dropped with the connection
            cut.incrementAndGet();
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed: the pair ends
      } finally {
        closeBoth();
      }
    }

    void closeBoth() {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        redis.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
