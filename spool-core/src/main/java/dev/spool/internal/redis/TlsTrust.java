package dev.spool.internal.redis;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Whom a {@code rediss://} connection trusts: the certificates of a private CA, as a PEM file
 * ({@code password} null) or a key store (PKCS12 or JKS) with its password.
 */
public record TlsTrust(Path file, char[] password) {
  public TlsTrust {
    Objects.requireNonNull(file, "file");
    password = password == null ? null : password.clone();
  }

  /** Trust the CA certificates of a PEM file. */
  public static TlsTrust pem(Path file) {
    return new TlsTrust(file, null);
  }

  /** Trust the certificates of a PKCS12 or JKS key store. */
  public static TlsTrust keyStore(Path file, char[] password) {
    return new TlsTrust(file, Objects.requireNonNull(password, "password"));
  }
}
