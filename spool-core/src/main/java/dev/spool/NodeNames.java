package dev.spool;

/**
 * The one rule for worker node names, shared by the name a node takes ({@link Worker.Builder}) and
 * the names jobs are pinned to or kept from ({@link JobOptions.Builder#node}): 1 to 200 characters,
 * without '|'. A node must be able to take any name a job may name, and only those.
 */
final class NodeNames {
  private NodeNames() {}

  /**
   * Returns {@code name} if it is a valid node name.
   *
   * @param what what the name is, for the error ("worker name", "node name")
   * @throws IllegalArgumentException saying what a name may be
   */
  static String check(String name, String what) {
    if (name == null || name.isBlank() || name.length() > 200 || name.contains("|")) {
      throw new IllegalArgumentException(
          "invalid " + what + " '" + name + "': 1 to 200 characters, without '|'");
    }
    return name;
  }
}
