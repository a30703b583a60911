package dev.spool.internal.node;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node instances alive in this process. A name registered by this process's pid is provably
 * free when its instance is not among them (it was halted, or its start failed), which the pid
 * alone cannot tell. Process-wide by nature, as the pid is.
 */
public final class LocalNodes {
  private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

  private LocalNodes() {}

  public static void started(String instance) {
    LIVE.add(instance);
  }

  public static void stopped(String instance) {
    LIVE.remove(instance);
  }

  static boolean isLive(String instance) {
    return LIVE.contains(instance);
  }
}
