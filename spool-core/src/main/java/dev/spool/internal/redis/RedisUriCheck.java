package dev.spool.internal.redis;

import dev.spool.InvalidRedisUriException;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a Redis URI, found before connecting so that a malformed one is a setting to
 * fix ({@link InvalidRedisUriException}), not an unreachable Redis. The client Spool uses reads
 * some mistakes silently another way: {@code redis://host:notaport} as the host name {@code
 * host:notaport} (then "NXDOMAIN"), {@code redis://host:0} as port 6379. Each message shows the URI
 * without its password and never a piece of the user-info. The CLI shows the same messages.
 */
public final class RedisUriCheck {
  static final String FORMS =
      "redis://[:password@]host:port[/db], rediss://… for TLS,"
          + " redis-sentinel://[:password@]host1:port1,host2:port2[/db]#master or, for a Redis"
          + " Cluster, redis://[:password@]host1:port1,host2:port2";

  private static final String ENCODED =
      ", with / ? # @ % and spaces in a password percent-encoded (e.g. / as %2F)";

  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://");

  private static final Set<String> SCHEMES =
      Set.of(
          "redis",
          "rediss",
          "redis-socket",
          "redis-sentinel",
          "rediss-sentinel",
          "redis-cluster",
          "rediss-cluster");

  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private static final Pattern DATABASE = Pattern.compile("\\d{1,9}");

  private static final Set<String> VERIFY_PEER = Set.of("none", "ca", "full");

  private RedisUriCheck() {}

  /**
   * Checks the URI as {@link RedisConnection#open} will read it, connecting to nothing.
   *
   * @throws InvalidRedisUriException saying what is wrong ({@link
   *     InvalidRedisUriException#problem()}), never showing the password
   */
  public static void validate(String uri) {
    String problem = problem(uri);
    if (problem == null && !ClusterUri.isCluster(uri)) {
      try {
        RedisURI.create(uri);
      } catch (RuntimeException e) {
        // The client's message, and so its exception, may echo any piece of the URI: keep neither.
        problem = quoted(uri) + ": it cannot be parsed: use " + FORMS + ENCODED;
      }
    }
    if (problem != null) {
      throw new InvalidRedisUriException(
          "invalid Redis URI " + problem + (problem.contains(FORMS) ? "" : "; use " + FORMS),
          problem);
    }
    if (ClusterUri.isCluster(uri)) {
      ClusterUri.seeds(uri); // what the client would refuse of a node
    }
  }

  private static String quoted(String uri) {
    return "'" + UriRedaction.redact(uri) + "'";
  }

  /**
   * What is wrong with the URI, in words for the user after the option's name (starting with the
   * URI, quoted and redacted); null if nothing this check knows of.
   */
  static String problem(String uri) {
    String quoted = quoted(uri);
    Matcher scheme = uri == null ? null : SCHEME.matcher(uri);
    if (scheme == null
        || !scheme.lookingAt()
        || !SCHEMES.contains(scheme.group(1).toLowerCase(Locale.ROOT))) {
      return quoted + " is not a Redis URI: use " + FORMS;
    }
    String name = scheme.group(1);
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      // Spool's client knows only the lower-case schemes.
      return quoted + ": write the scheme in lower case, " + name.toLowerCase(Locale.ROOT) + "://";
    }
    return name.equals("redis-socket") ? socketProblem(uri, quoted) : networkProblem(uri, quoted);
  }

  private static String socketProblem(String uri, String quoted) {
    String noPath = quoted + ": no socket path, as in redis-socket:///var/run/redis.sock";
    if (uri.endsWith("://")) {
      return noPath;
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return quoted + ": it cannot be parsed (" + reason(e) + ")";
    }
    String path = parsed.getPath();
    if (path == null || path.isEmpty()) {
      return noPath;
    }
    String why = verifyPeerProblem(parsed);
    return why == null ? null : quoted + ": " + why;
  }

  private static String networkProblem(String uri, String quoted) {
    String scheme = uri.substring(0, uri.indexOf("://"));
    String rest = uri.substring(scheme.length() + 3);
    int at = userInfoEnd(rest, scheme);
    String userInfo = at < 0 ? "" : rest.substring(0, at);
    if (userInfo.matches(".*[/?#].*")) {
      return quoted
          + ": the password holds a '/', '?' or '#': write / as %2F, ? as %3F and # as %23";
    }
    String afterUserInfo = rest.substring(at + 1);
    String hosts = afterUserInfo.substring(0, indexOfAny(afterUserInfo, "/?#"));
    boolean sentinel = isSentinel(scheme);
    boolean cluster = isCluster(scheme, hosts);
    if (hosts.isEmpty()) {
      return quoted + ": no host, as in " + scheme + "://host:" + (sentinel ? "26379" : "6379");
    }
    for (String host : hosts.split(",", -1)) {
      String why = hostProblem(host, cluster, sentinel);
      if (why != null) {
        return quoted + ": " + why;
      }
    }
    if (userInfo.indexOf('@') >= 0 && !sentinel && hasPort(hosts)) {
      // The client would take all of "host:port" for the host's name, and use port 6379.
      return quoted + ": the password holds an '@': write it as %40";
    }
    // A cluster's nodes are parsed one by one, each as a URI of its own (checked above).
    String hostsStart = uri.substring(0, uri.length() - afterUserInfo.length());
    String tail = afterUserInfo.substring(hosts.length());
    String whole = cluster ? hostsStart + hosts.split(",")[0] + tail : uri;
    URI parsed;
    try {
      parsed = new URI(whole);
    } catch (URISyntaxException e) {
      return quoted
          + ": it cannot be parsed ("
          + reason(e)
          + ")"
          + (userInfo.isEmpty()
              ? ""
              : "; in a password, write / ? # @ % and spaces percent-encoded (e.g. / as %2F)");
    }
    String why = pathAndQueryProblem(parsed, scheme, cluster, sentinel);
    return why == null ? null : quoted + ": " + why;
  }

  private static String pathAndQueryProblem(
      URI parsed, String scheme, boolean cluster, boolean sentinel) {
    String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (!database.isEmpty() && !DATABASE.matcher(database).matches()) {
      return "the database '"
          + database
          + "' is not a number (0, 1, 2…), as in "
          + scheme
          + "://host:6379/0";
    }
    if (cluster && !database.isEmpty() && Integer.parseInt(database) != 0) {
      return "a Redis Cluster has only database 0, the URI names /" + database;
    }
    String query = parsed.getQuery() == null ? "" : parsed.getQuery();
    if (sentinel
        && isEmpty(parsed.getFragment())
        && isEmpty(parameter(query, "sentinelMasterId"))) {
      return "no master name: add #name, as in " + scheme + "://host:26379#mymaster";
    }
    return verifyPeerProblem(parsed);
  }

  private static String verifyPeerProblem(URI parsed) {
    String verifyPeer = parameter(parsed.getQuery() == null ? "" : parsed.getQuery(), "verifyPeer");
    if (!isEmpty(verifyPeer) && !VERIFY_PEER.contains(verifyPeer.toLowerCase(Locale.ROOT))) {
      return "verifyPeer must be none, ca or full, got '" + verifyPeer + "'";
    }
    return null;
  }

  /** The reason and position only: the exception's message repeats the URI, password and all. */
  private static String reason(URISyntaxException e) {
    return e.getReason().toLowerCase(Locale.ROOT)
        + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "");
  }

  /** What is wrong with one {@code host[:port]} of the host list, null if nothing. */
  private static String hostProblem(String host, boolean cluster, boolean sentinel) {
    if (host.isEmpty()) {
      return "an empty host in the list of hosts";
    }
    String port;
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      if (close < 0) {
        return "the IPv6 address '" + host + "' has no closing ']'";
      }
      String after = host.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        return "'" + host + "' is no [IPv6 address]:port";
      }
      port = after.isEmpty() ? null : after.substring(1);
    } else {
      int colon = host.indexOf(':');
      if (colon != host.lastIndexOf(':')) {
        return "write an IPv6 address in brackets, as in [::1]:6379, not '" + host + "'";
      }
      if (colon == 0) {
        return "no host before the port in '" + host + "'";
      }
      port = colon < 0 ? null : host.substring(colon + 1);
    }
    if (port != null && !isPort(port)) {
      return "the port '" + port + "' of '" + host + "' is not a number from 1 to 65535";
    }
    if (port == null && cluster) {
      return "each node of a Redis Cluster needs host:port, got '" + host + "'";
    }
    if (port != null && !sentinel && !isServerAuthority(host)) {
      // The client would take all of "host:port" for the host's name, and use port 6379.
      return "the host of '"
          + host
          + "' is neither a host name (letters, digits, '-' and '.') nor an IP address"
          + (host.indexOf('_') >= 0
              ? "; a name with '_' works without a port, as redis://"
                  + host.substring(0, host.lastIndexOf(':'))
                  + " (port 6379)"
              : "");
    }
    return null;
  }

  /**
   * Where the user-info ends: at the last '@' before the query when valid hosts follow it (an '@'
   * may sit in a query value, as in {@code ?clientName=worker@host1}), else at the last '@' of all,
   * where the redaction ends it too (so nothing before it is ever shown); -1 for none.
   */
  private static int userInfoEnd(String rest, String scheme) {
    int last = rest.lastIndexOf('@');
    int beforeQuery = rest.substring(0, indexOfAny(rest, "?#")).lastIndexOf('@');
    if (last == beforeQuery) {
      return last;
    }
    String after = rest.substring(beforeQuery + 1);
    String hosts = after.substring(0, indexOfAny(after, "/?#"));
    boolean sentinel = isSentinel(scheme);
    boolean cluster = isCluster(scheme, hosts);
    for (String host : hosts.split(",", -1)) {
      if (hostProblem(host, cluster, sentinel) != null) {
        return last;
      }
    }
    return beforeQuery;
  }

  private static boolean isSentinel(String scheme) {
    return scheme.endsWith("-sentinel");
  }

  /** A cluster: by its scheme, or a plain redis:// URI that lists several hosts. */
  private static boolean isCluster(String scheme, String hosts) {
    return scheme.endsWith("-cluster") || (!isSentinel(scheme) && hosts.contains(","));
  }

  /** Whether a host of the list names its port ({@code host:port}, {@code [::1]:port}). */
  private static boolean hasPort(String hosts) {
    for (String host : hosts.split(",")) {
      if (host.lastIndexOf(':') > host.lastIndexOf(']')) {
        return true;
      }
    }
    return false;
  }

  private static boolean isPort(String port) {
    return PORT.matcher(port).matches()
        && Integer.parseInt(port) >= 1
        && Integer.parseInt(port) <= 65_535;
  }

  /** Whether {@code host:port} parses as a host and a port, as the client parses each node. */
  private static boolean isServerAuthority(String hostAndPort) {
    try {
      return new URI("redis://" + hostAndPort).getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The value of a query parameter (name case-insensitive, as the client reads it), or null. */
  private static String parameter(String query, String name) {
    for (String pair : query.split("[&;]")) {
      if (pair.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static int indexOfAny(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return text.length();
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
