package dev.spool.internal.unique;

import dev.spool.Unique;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The uniqueness of one job as its scripts read it, stored in the job hash's {@code u} field as
 * {@code kind|conflict|ttlMs|rescheduleMs|digest}: kind {@code E} (until executing), {@code W}
 * (while executing) or {@code D} (until executed, "done"); the digest names the lock key.
 */
public record LockSpec(char kind, String conflict, long ttlMs, long rescheduleMs, String digest) {
  public static LockSpec of(String typeName, Unique<?> unique, Object args, Duration defaultTtl) {
    char kind =
        switch (unique.lock()) {
          case UNTIL_EXECUTING -> 'E';
          case WHILE_EXECUTING -> 'W';
          case UNTIL_EXECUTED -> 'D';
        };
    String canonical = CanonicalJson.write(List.of(typeName, unique.uniqueArgs(args)));
    return new LockSpec(
        kind,
        unique.conflict().name().toLowerCase(java.util.Locale.ROOT),
        unique.ttl().orElse(defaultTtl).toMillis(),
        unique.rescheduleDelay().toMillis(),
        digest(canonical));
  }

  /** Taken at enqueue (until executing, until executed) rather than at start. */
  public boolean takenAtEnqueue() {
    return kind != 'W';
  }

  public String stored() {
    return kind + "|" + conflict + "|" + ttlMs + "|" + rescheduleMs + "|" + digest;
  }

  /** 128 bits of SHA-256, in hex: short keys, and collisions out of reach. */
  static String digest(String canonical) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
