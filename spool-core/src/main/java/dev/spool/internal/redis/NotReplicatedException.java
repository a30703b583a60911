package dev.spool.internal.redis;

import dev.spool.SpoolException;

/**
 * A write ran on the master, but fewer replicas than a {@link ReplicaWait} asks for confirmed it in
 * time. Carries the write's own result, so the caller can still say what was written.
 */
public final class NotReplicatedException extends SpoolException {
  private final transient Object result;
  private final long acknowledged;

  NotReplicatedException(String message, Object result, long acknowledged) {
    super(message);
    this.result = result;
    this.acknowledged = acknowledged;
  }

  /** What the write (a script) returned on the master. */
  public Object result() {
    return result;
  }

  /** How many replicas confirmed the write. */
  public long acknowledged() {
    return acknowledged;
  }
}
