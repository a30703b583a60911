package dev.spool.internal.redis;

import dev.spool.InvalidRedisUriException;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis Cluster forms of a Redis URI: several seed nodes, {@code redis://h1:p1,h2:p2} (or
 * {@code rediss://} for TLS), or {@code redis-cluster://host:port[,…]} (also {@code
 * rediss-cluster://}) for a cluster named by one seed. Any node will do as a seed: the client
 * learns the others from it.
 */
final class ClusterUri {
  private ClusterUri() {}

  /** Whether the URI names a Redis Cluster (and not one server or a Sentinel set). */
  static boolean isCluster(String uri) {
    String u = uri.strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
      return true;
    }
    if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
      return false;
    }
    return hosts(u).contains(",");
  }

  /**
   * One Lettuce URI per seed node, each with the URI's credentials, TLS and options.
   *
   * @throws InvalidRedisUriException if it names a database other than 0 (a cluster has only that
   *     one) or a seed without a port; the message never shows the user-info
   */
  static List<RedisURI> seeds(String uri) {
    String u = uri.strip();
    int schemeEnd = u.indexOf("://");
    String scheme = u.substring(0, schemeEnd).toLowerCase(Locale.ROOT).replace("-cluster", "");
    String rest = u.substring(schemeEnd + 3);
    int at = userInfoEnd(rest);
    String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
    String afterUser = rest.substring(at + 1);
    int hostsEnd = hostsEnd(afterUser);
    String hosts = afterUser.substring(0, hostsEnd);
    String tail = afterUser.substring(hostsEnd);
    String path = tail.startsWith("/") ? tail.substring(1).split("[?]", 2)[0] : "";
    if (!path.isEmpty() && !path.equals("0")) {
      throw invalid(uri, "a Redis Cluster has only database 0, the URI names /" + path);
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String host : hosts.split(",")) {
      String h = host.strip();
      if (h.isEmpty() || h.lastIndexOf(':') < 0 || h.endsWith(":")) {
        throw invalid(uri, "each cluster node needs host:port, got '" + h + "'");
      }
      try {
        seeds.add(RedisURI.create(scheme + "://" + userInfo + h + tail));
      } catch (RuntimeException e) {
        // Lettuce's message may echo any piece of the URI: keep neither.
        throw invalid(uri, "it cannot be parsed (" + e.getClass().getSimpleName() + ")");
      }
    }
    return seeds;
  }

  /** The host list of a URI: between its user-info (if any) and its path or query. */
  private static String hosts(String uri) {
    String rest = uri.substring(uri.indexOf("://") + 3);
    String afterUser = rest.substring(userInfoEnd(rest) + 1);
    return afterUser.substring(0, hostsEnd(afterUser));
  }

  /** The index of the {@code @} ending the user-info (the last one before the path), or -1. */
  private static int userInfoEnd(String rest) {
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    int at = authority.lastIndexOf('@');
    if (at < 0 && slash >= 0) {
      at = rest.lastIndexOf('@'); // a password holding an unencoded '/'
    }
    return at;
  }

  private static int hostsEnd(String afterUser) {
    int end = afterUser.length();
    for (char c : new char[] {'/', '?'}) {
      int i = afterUser.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return end;
  }

  private static InvalidRedisUriException invalid(String uri, String why) {
    String problem = "'" + UriRedaction.redact(uri) + "': " + why;
    return new InvalidRedisUriException(
        "invalid Redis Cluster URI "
            + problem
            + "; use redis://[user:password@]host1:port1,host2:port2 (any nodes of the cluster)"
            + " or redis-cluster://[user:password@]host:port",
        problem);
  }
}
