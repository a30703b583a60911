package dev.spool.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * A token or a username and password. Compared in constant time: both sides are hashed first, so
 * neither the content nor the length of the secret leaks through timing.
 */
final class Credentials {
  private final byte[] tokenDigest;
  private final byte[] basicDigest;

  private Credentials(byte[] tokenDigest, byte[] basicDigest) {
    this.tokenDigest = tokenDigest;
    this.basicDigest = basicDigest;
  }

  static Credentials token(String token) {
    Objects.requireNonNull(token, "token");
    if (token.length() < 8) {
      throw new IllegalArgumentException("a dashboard token needs at least 8 characters");
    }
    return new Credentials(digest(token), null);
  }

  static Credentials password(String username, String password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty() || username.contains(":")) {
      throw new IllegalArgumentException("username must be non-empty and without ':'");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    return new Credentials(null, digest(username + ":" + password));
  }

  boolean usesToken() {
    return tokenDigest != null;
  }

  /** Whether a presented token matches; false in password mode. */
  boolean tokenMatches(String presented) {
    return tokenDigest != null
        && presented != null
        && MessageDigest.isEqual(tokenDigest, digest(presented));
  }

  /** Whether an {@code Authorization} header carries the right credentials. */
  boolean authorizationMatches(String header) {
    if (header == null) {
      return false;
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return tokenMatches(header.substring(7).strip());
    }
    if (basicDigest != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return false;
      }
      return MessageDigest.isEqual(basicDigest, digest(decoded));
    }
    return false;
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
