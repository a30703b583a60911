package dev.spool.internal.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How many replicas must confirm a write Spool cannot afford to lose on a failover (an enqueue)
 * before the caller hears it succeeded, and how long to wait for them: Redis's {@code WAIT replicas
 * timeout}. {@link #NONE} waits for none, as Redis's asynchronous replication does.
 */
public record ReplicaWait(int replicas, Duration timeout) {
  public static final ReplicaWait NONE = new ReplicaWait(0, Duration.ZERO);

  public ReplicaWait {
    Objects.requireNonNull(timeout, "timeout");
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be 0 or more, got " + replicas);
    }
    if (replicas > 0 && (timeout.isNegative() || timeout.isZero())) {
      // WAIT n 0 would block forever on a lost replica
      throw new IllegalArgumentException(
          "the timeout of waitForReplicas must be positive, got " + timeout);
    }
  }

  public boolean waits() {
    return replicas > 0;
  }
}
