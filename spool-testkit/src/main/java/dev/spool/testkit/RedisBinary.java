package dev.spool.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the redis-server to run: {@code $SPOOL_REDIS_SERVER} if set, else {@code redis-server} on
 * the PATH, else the binary shipped as a resource in the embedded-redis jar, extracted once per
 * JVM.
 */
final class RedisBinary {
  static final String ENV_VAR = "SPOOL_REDIS_SERVER";

  // Resource names inside com.github.codemonstur:embedded-redis:1.4.3, keyed by "os/arch".
  private static final Map<String, String> BUNDLED =
      Map.of(
          "linux/amd64", "redis-server-6.2.6-v5-linux-amd64",
          "linux/arm64", "redis-server-6.2.7-linux-arm64",
          "linux/386", "redis-server-6.2.7-linux-386",
          "darwin/amd64", "redis-server-6.2.6-v5-darwin-amd64",
          "darwin/arm64", "redis-server-6.2.6-v5-darwin-arm64",
          "windows/amd64", "redis-server-5.0.14.1-windows-amd64.exe");

  private static Path resolved; // guarded by RedisBinary.class
  private static final Map<String, Path> extracted =
      new HashMap<>(); // guarded by RedisBinary.class

  private RedisBinary() {}

  /** The redis-server for this machine, resolved on first use and then kept for the JVM. */
  static synchronized Path get() {
    if (resolved == null) {
      resolved =
          resolve(System.getenv(), System.getProperty("os.name"), System.getProperty("os.arch"));
    }
    return resolved;
  }

  /**
   * Resolves the redis-server from the given environment and platform, without reading the real
   * ones (so tests can exercise every branch).
   *
   * @throws IllegalStateException if {@code SPOOL_REDIS_SERVER} names no executable file, or if
   *     nothing fits this platform
   */
  static Path resolve(Map<String, String> env, String osName, String osArch) {
    String override = env.get(ENV_VAR);
    if (override != null && !override.isBlank()) {
      return checkOverride(Path.of(override));
    }
    String os = os(osName);
    String executable = os.equals("windows") ? "redis-server.exe" : "redis-server";
    Optional<Path> onPath = findOnPath(env.get("PATH"), executable);
    if (onPath.isPresent()) {
      return onPath.get();
    }
    return extract(bundledResource(os, arch(osArch)));
  }

  /** The embedded-redis resource name for a platform, e.g. "linux" and "amd64". */
  static String bundledResource(String os, String arch) {
    String resource = BUNDLED.get(os + "/" + arch);
    if (resource == null) {
      throw new IllegalStateException(
          "no redis-server for " + os + "/" + arch + ": install one or set " + ENV_VAR);
    }
    return resource;
  }

  /** Normalizes {@code os.name}: "linux", "darwin", "windows", or the name in lower case. */
  static String os(String osName) {
    String name = osName.toLowerCase(Locale.ROOT);
    if (name.startsWith("linux")) {
      return "linux";
    }
    if (name.startsWith("mac") || name.startsWith("darwin")) {
      return "darwin";
    }
    if (name.startsWith("windows")) {
      return "windows";
    }
    return name.replace(" ", "");
  }

  /** Normalizes {@code os.arch}: "amd64", "arm64", "386", or the arch in lower case. */
  static String arch(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64", "x64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i486", "i586", "i686" -> "386";
      default -> arch;
    };
  }

  private static Path checkOverride(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalStateException(
          ENV_VAR + " is set to " + path + ", but there is no such file");
    }
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw new IllegalStateException(
          ENV_VAR + " is set to " + path + ", which is not an executable file");
    }
    return path;
  }

  private static Optional<Path> findOnPath(String pathVar, String executable) {
    if (pathVar == null) {
      return Optional.empty();
    }
    for (String entry : pathVar.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path candidate = Path.of(entry).resolve(executable);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static synchronized Path extract(String resource) {
    Path done = extracted.get(resource);
    if (done != null) {
      return done;
    }
    try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource
                + " is not on the classpath (it comes with com.github.codemonstur:embedded-redis):"
                + " install redis-server or set "
                + ENV_VAR);
      }
      String suffix = resource.endsWith(".exe") ? ".exe" : "";
      Path file = Files.createTempFile("spool-" + resource + "-", suffix);
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      if (!file.toFile().setExecutable(true, true)) {
        throw new IllegalStateException("cannot make " + file + " executable");
      }
      extracted.put(resource, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + resource + " to a temp file", e);
    }
  }
}
