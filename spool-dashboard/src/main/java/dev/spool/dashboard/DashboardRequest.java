package dev.spool.dashboard;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What a {@link DashboardAuth} hook sees of a request.
 *
 * @param headers the request headers, by name as sent (look them up with {@link #header})
 */
public record DashboardRequest(
    String method, String path, Map<String, List<String>> headers, InetSocketAddress remote) {

  /** The first value of a header, whatever the case of its name; null if absent. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().getFirst();
      }
    }
    return null;
  }
}
