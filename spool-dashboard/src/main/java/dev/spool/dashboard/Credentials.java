package dev.spool.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A token or a username and password. Compared in constant time: both sides are hashed first, so
 * neither the content nor the length of the secret leaks through timing.
 */
final class Credentials {
  /** What the session cookie's value is derived from; fixed, so a restart keeps sessions. */
  private static final String SESSION_LABEL = "spool-dashboard-session-v1";

  private final byte[] tokenDigest;
  private final byte[] basicDigest;
  private final String sessionValue;

  private Credentials(byte[] tokenDigest, byte[] basicDigest) {
    this.tokenDigest = tokenDigest;
    this.basicDigest = basicDigest;
    this.sessionValue = tokenDigest == null ? null : session(tokenDigest);
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

  /**
   * The session cookie's value after a token login: HMAC-SHA256 of a fixed label keyed by the
   * token, base64url. Unlike the token itself it is always cookie-safe (a token with ';', ',' or a
   * space broke the cookie), and the browser's cookie jar never holds the token.
   */
  String sessionValue() {
    return sessionValue;
  }

  /** Whether a session cookie's value is this token's; false in password mode. */
  boolean sessionMatches(String presented) {
    return sessionValue != null
        && presented != null
        && MessageDigest.isEqual(
            sessionValue.getBytes(StandardCharsets.UTF_8),
            presented.getBytes(StandardCharsets.UTF_8));
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

  private static String session(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] tag = mac.doFinal(SESSION_LABEL.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] digest(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
