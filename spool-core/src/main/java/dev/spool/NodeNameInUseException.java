package dev.spool;

/**
 * A worker node could not start: a live node holds its name (every live node needs a name of its
 * own). The message names the holder's host, pid and last heartbeat; a node that stopped without
 * saying so frees the name once its lease has passed without a heartbeat.
 */
public class NodeNameInUseException extends SpoolException {
  private final String name;

  public NodeNameInUseException(String name, String holder) {
    super(
        "a live worker node named '"
            + name
            + "' is already running ("
            + holder
            + "): give this one another name, or stop that one first");
    this.name = name;
  }

  /** The name in use. */
  public String name() {
    return name;
  }
}
