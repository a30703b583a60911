package dev.spool.dashboard;

import com.sun.net.httpserver.HttpServer;
import dev.spool.Spool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Spool dashboard: a web UI and a JSON API under {@code /api/} over one {@link Spool}, served
 * by the JDK's HTTP server from this jar (nothing fetched from the internet).
 *
 * <p>It binds to 127.0.0.1 by default. Bound to any other address it refuses to start without
 * authentication: a token, a username and password, or the embedding application's own {@link
 * DashboardAuth} hook.
 */
public final class SpoolDashboard implements AutoCloseable {
  private final Settings settings;
  private final DashboardData data;
  private HttpServer server;
  private ExecutorService executor;

  private SpoolDashboard(Settings settings, DashboardData data) {
    this.settings = settings;
    this.data = data;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The JDK HTTP server's switch for TCP_NODELAY on the connections it accepts. */
  static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

  /**
   * Turns Nagle's algorithm off for the JDK's HTTP server unless the application chose otherwise:
   * with it on, a response of more than one segment (a jobs page of 50) waits for the client's
   * delayed ACK, about 40 ms on Linux (measured with bench dashboard). The JDK reads the property
   * once, when its first HTTP server starts, so an application that started one before keeps its
   * own setting.
   */
  private static void noDelay() {
    if (System.getProperty(NO_DELAY_PROPERTY) == null) {
      System.setProperty(NO_DELAY_PROPERTY, "true");
    }
  }

  /**
   * Starts serving; returns once the port is bound.
   *
   * @throws IllegalStateException if it is bound to a non-loopback address without authentication
   * @throws UncheckedIOException if the address cannot be bound (e.g. the port is in use)
   */
  public synchronized SpoolDashboard start() {
    if (server != null) {
      throw new IllegalStateException("the dashboard is running already");
    }
    noDelay();
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(settings.bindAddress, settings.port), 0);
      executor = Executors.newVirtualThreadPerTaskExecutor();
      s.setExecutor(executor);
      String context = settings.pathPrefix.isEmpty() ? "/" : settings.pathPrefix;
      DashboardHandler handler = new DashboardHandler(settings, data);
      s.createContext(context, handler);
      if (!settings.pathPrefix.isEmpty()) {
        // Outside the prefix too: a JSON 404 with the security headers, not the JDK's HTML one.
        s.createContext("/", handler);
      }
      s.start();
      server = s;
    } catch (IOException e) {
      if (executor != null) {
        executor.shutdownNow();
      }
      throw new UncheckedIOException(
          "cannot serve the dashboard on "
              + settings.bindAddress.getHostAddress()
              + ":"
              + settings.port
              + " (is the port in use?)",
          e);
    }
    return this;
  }

  /** Stops serving; requests in flight get a second to finish. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(1);
      executor.shutdownNow();
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** The port it listens on (the one the system picked if it was built with port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("the dashboard is not running");
    }
    return server.getAddress().getPort();
  }

  /** Its address for a browser, e.g. {@code http://127.0.0.1:8080/spool/}. */
  public String url() {
    String host = settings.bindAddress.getHostAddress();
    if (settings.bindAddress.isAnyLocalAddress()) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port() + settings.pathPrefix + "/";
  }

  /** What the server was built with; read by the request handler. */
  record Settings(
      InetAddress bindAddress,
      int port,
      String pathPrefix,
      boolean readOnly,
      Credentials credentials,
      DashboardAuth hook,
      Set<String> extraHosts) {
    boolean needsAuth() {
      return credentials != null || hook != null;
    }

    /**
     * Whether a request's Host header may reach an unauthenticated dashboard: a loopback name, or
     * one allowed by {@link Builder#allowHost}. Without this, a web page whose domain is made to
     * resolve to 127.0.0.1 (DNS rebinding) would be same-origin with the dashboard.
     */
    boolean hostAllowed(String hostHeader) {
      if (needsAuth()) {
        return true;
      }
      if (hostHeader == null) {
        return false;
      }
      String host = hostHeader.strip().toLowerCase(Locale.ROOT);
      if (host.startsWith("[")) {
        int end = host.indexOf(']');
        host = end < 0 ? host : host.substring(0, end + 1);
      } else if (host.indexOf(':') >= 0) {
        host = host.substring(0, host.indexOf(':'));
      }
      return host.equals("localhost")
          || host.equals("[::1]")
          || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
          || extraHosts.contains(host);
    }
  }

  /** Configures a {@link SpoolDashboard}. */
  public static final class Builder {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    private Spool spool;
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private String pathPrefix = "";
    private boolean readOnly;
    private Credentials credentials;
    private DashboardAuth hook;
    private final Set<String> extraHosts = new HashSet<>();

    private Builder() {}

    /**
     * Also answers requests for this host name (as a reverse proxy passes it in the Host header).
     * Without authentication the dashboard answers only loopback names, against DNS rebinding.
     */
    public Builder allowHost(String host) {
      String h = Objects.requireNonNull(host, "host").strip().toLowerCase(Locale.ROOT);
      if (h.isEmpty() || h.contains(":") && !h.startsWith("[")) {
        throw new IllegalArgumentException(
            "allowHost takes a host name without port, got '" + host + "'");
      }
      extraHosts.add(h);
      return this;
    }

    /** The Spool it shows and acts on (required). */
    public Builder spool(Spool spool) {
      this.spool = Objects.requireNonNull(spool, "spool");
      return this;
    }

    /** The address to listen on, default 127.0.0.1; anything else needs authentication. */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port, default 8080; 0 lets the system pick a free one (see {@link #port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /** Serves under this path, e.g. {@code /spool} behind a reverse proxy; default the root. */
    public Builder pathPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      String p = prefix.strip();
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && !p.startsWith("/")) {
        p = "/" + p;
      }
      if (!p.matches("[A-Za-z0-9._~/-]*") || p.contains("//")) {
        throw new IllegalArgumentException(
            "path prefix must be a plain path like /spool, got '" + prefix + "'");
      }
      this.pathPrefix = p;
      return this;
    }

    /** Shows everything, changes nothing: every action is refused with 403. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** Requires this token: an {@code Authorization: Bearer} header, or a login in the browser. */
    public Builder token(String token) {
      this.credentials = Credentials.token(token);
      return this;
    }

    /** Requires HTTP Basic authentication with this username and password. */
    public Builder basicAuth(String username, String password) {
      this.credentials = Credentials.password(username, password);
      return this;
    }

    /** Lets the embedding application decide who may in, e.g. by its own session cookie. */
    public Builder auth(DashboardAuth hook) {
      this.hook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /**
     * Builds it, not started.
     *
     * @throws IllegalStateException if bound to a non-loopback address without authentication
     */
    public SpoolDashboard build() {
      if (spool == null) {
        throw new IllegalStateException("no Spool: call spool(spool) first");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("cannot resolve bind address '" + bind + "'", e);
      }
      Settings settings =
          new Settings(
              address, port, pathPrefix, readOnly, credentials, hook, Set.copyOf(extraHosts));
      if (!address.isLoopbackAddress() && !settings.needsAuth()) {
        throw new IllegalStateException(
            "refusing to serve the dashboard on "
                + bind
                + " without authentication: it can kill and delete jobs. Set a token"
                + " (--token / token(...)), a username and password, or an auth hook; or bind to"
                + " 127.0.0.1");
      }
      return new SpoolDashboard(settings, new SpoolData(spool));
    }
  }
}
