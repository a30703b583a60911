package dev.spool.internal.queue;

/**
 * Where a job may run, as its enqueue stores it.
 *
 * @param node the node it should run on, "" for any
 * @param strict only {@code node} may run it
 * @param notNode the node it must never run on, "" for none
 * @param pinned whether it waits in its node's list; false for a job that is not strict and whose
 *     node is not alive: it is ready for any node at once, its node kept as a preference
 */
public record Affinity(String node, boolean strict, String notNode, boolean pinned) {
  public static final Affinity NONE = new Affinity("", false, "", true);
}
