package dev.spool.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The UI's files, served from the jar: a fixed list, read once. */
final class Assets {
  private static final Set<String> SERVED =
      Set.of("app.js", "app.css", "login.js", "login.css", "favicon.svg");

  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  /** A served asset's bytes, or null if there is no such asset. */
  byte[] bytes(String name) {
    if (!SERVED.contains(name)) {
      return null;
    }
    return load(name);
  }

  /** A page template (not served as is). */
  String text(String name) {
    return new String(load(name), StandardCharsets.UTF_8);
  }

  private byte[] load(String name) {
    return cache.computeIfAbsent(
        name,
        n -> {
          try (InputStream in = Assets.class.getResourceAsStream("assets/" + n)) {
            if (in == null) {
              throw new IllegalStateException("asset missing from the jar: " + n);
            }
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static String contentType(String path) {
    if (path.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (path.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (path.endsWith(".svg")) {
      return "image/svg+xml";
    }
    return "application/octet-stream";
  }
}
