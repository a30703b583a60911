package dev.spool.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a server of a topology (a Sentinel set, a Cluster) adds to a plain one: a config file read
 * first (a sentinel keeps its state there, so it must be a writable file of its own), options
 * appended to the command line, and the password it asks for (the testkit's own probes then AUTH
 * first).
 *
 * @param configFile null for none
 * @param password null for none
 */
record MemberOptions(Path configFile, List<String> options, String password) {
  static final MemberOptions NONE = new MemberOptions(null, List.of(), null);

  MemberOptions {
    options = List.copyOf(Objects.requireNonNull(options, "options"));
  }

  /** Whether the server is a Cluster node: it also listens on its port + 10000 (the bus). */
  boolean clusterBus() {
    return options.contains("--cluster-enabled");
  }
}
