package dev.spool.spring;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Default worker node names, unique per running worker of this process: {@code <host>-<pid>} as
 * {@code spool worker} names its node, then {@code <host>-<pid>-2}, {@code -3} … for further
 * workers of the same JVM (a second Spring context, as Spring's test-context cache keeps). Two live
 * nodes may not share a name, so the host name alone stopped a second instance from starting.
 */
final class DefaultWorkerNames {
  private static final Set<String> inUse = ConcurrentHashMap.newKeySet();

  private DefaultWorkerNames() {}

  /** A name no other running worker of this JVM holds; give it back with {@link #release}. */
  static String claim() {
    String base = host() + "-" + ProcessHandle.current().pid();
    if (inUse.add(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String name = base + "-" + n;
      if (inUse.add(name)) {
        return name;
      }
    }
  }

  static void release(String name) {
    inUse.remove(name);
  }

  /** $HOSTNAME first (a container's name), as the CLI does; else what the resolver says. */
  private static String host() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "spool-worker";
    }
  }
}
