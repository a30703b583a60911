package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The BullMQ side's Node.js: finds node and npm, installs bench/compare's locked dependencies with
 * {@code npm ci} when they are missing, and tells the versions that will run.
 */
final class NodeRuntime {
  private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);

  final Path node;
  final Path dir;
  final String nodeVersion;
  final String bullmqVersion;
  final String ioredisVersion;

  private NodeRuntime(Path node, Path dir, String nodeVersion, String bullmq, String ioredis) {
    this.node = node;
    this.dir = dir;
    this.nodeVersion = nodeVersion;
    this.bullmqVersion = bullmq;
    this.ioredisVersion = ioredis;
  }

  /**
   * Prepares bench/compare for a run.
   *
   * @throws IllegalStateException saying what is missing (node, npm, the folder) or what failed
   */
  static NodeRuntime prepare(
      Path dir, Path explicitNode, Path logDir, java.io.PrintWriter progress) {
    if (!Files.isRegularFile(dir.resolve("package-lock.json"))) {
      throw new IllegalStateException(
          "no " + dir.resolve("package-lock.json") + ": is this a Spool checkout?");
    }
    if (explicitNode != null && !Files.isExecutable(explicitNode)) {
      throw new IllegalStateException("--node names no executable file: " + explicitNode);
    }
    Path node =
        explicitNode != null
            ? explicitNode
            : onPath("node")
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "node is not on the PATH: the BullMQ side needs Node.js 20 or newer"
                                + " (or give --node PATH, or run only Spool with --systems spool)"));
    String version =
        run("node-version", List.of(node.toString(), "--version"), dir, logDir, VERSION_TIMEOUT);
    if (!Files.isDirectory(dir.resolve("node_modules/bullmq"))
        || !Files.isDirectory(dir.resolve("node_modules/ioredis"))) {
      Path npm =
          onPath("npm")
              .or(() -> sibling(node, "npm"))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "npm is not on the PATH: it installs BullMQ (npm ci in " + dir + ")"));
      progress.println("installing BullMQ: npm ci in " + dir + " (once; log in " + logDir + ")");
      progress.flush();
      run(
          "npm-ci",
          List.of(npm.toString(), "ci", "--no-audit", "--no-fund"),
          dir,
          logDir,
          NPM_CI_TIMEOUT);
    }
    return new NodeRuntime(
        node, dir, version.trim(), packageVersion(dir, "bullmq"), packageVersion(dir, "ioredis"));
  }

  private static String packageVersion(Path dir, String name) {
    Path file = dir.resolve("node_modules").resolve(name).resolve("package.json");
    try {
      JsonNode json = RunRecord.JSON.readTree(file.toFile());
      return json.path("version").asText("unknown");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs a short command to its end; returns its stdout, or throws with its stderr. */
  private static String run(
      String label, List<String> command, Path dir, Path logDir, Duration timeout) {
    try (ChildProcess p = ChildProcess.start(label, command, Map.of(), dir, logDir)) {
      if (!p.awaitExit(timeout)) {
        throw new IllegalStateException(
            label + " did not finish in " + timeout.toSeconds() + " s: " + command);
      }
      if (p.exitCode() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed (exit "
                + p.exitCode()
                + "):\n"
                + p.stderrTail(20));
      }
      return String.join("\n", p.lines());
    }
  }

  static Optional<Path> onPath(String executable) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        Path candidate = Path.of(entry, executable);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> sibling(Path node, String executable) {
    Path candidate = node.resolveSibling(executable);
    return Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
  }
}
