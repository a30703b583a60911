package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.RedisTls;
import dev.spool.testkit.SpoolRedis;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} to a redis-server that speaks only TLS, with a certificate of a private CA: the
 * peer is verified (chain and name) against the trusted CA given to the builder.
 */
class TlsIT {
  @TempDir static Path dir;
  static TestCertificates certificates;
  static SpoolRedis redis;

  @BeforeAll
  static void startTlsServer() {
    assumeTrue(TestCertificates.opensslAvailable(), "no openssl to make test certificates");
    certificates = TestCertificates.newCa(dir);
    redis = startOrSkip(certificates.server("server", "IP:127.0.0.1,DNS:localhost"));
  }

  /** Skips when the redis-server at hand was built without TLS (the CI's Redis 7 pass has it). */
  static SpoolRedis startOrSkip(RedisTls tls) {
    try {
      return SpoolRedis.dedicatedTls(tls);
    } catch (IllegalStateException e) {
      assumeTrue(
          !String.valueOf(e.getMessage()).toLowerCase().contains("tls"),
          "redis-server without TLS support: " + e.getMessage());
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void connectsToATlsServerWhoseCertificateAPrivateCaSigned() {
    assertThat(redis.uri()).startsWith("rediss://127.0.0.1:");
    String tlsUri = redis.uri(); // in production e.g. "rediss://:password@redis.internal:6380"
    Path caCertificates = certificates.caCertificate(); // e.g. /etc/spool/redis-ca.pem

    // snippet: tls-private-ca
    Spool spool =
        Spool.builder()
            .redis(tlsUri)
            .tlsTrustedCertificates(caCertificates) // PEM, one or more CA certificates
            .build();
    // end snippet

    try (spool) {
      JobId id = spool.enqueue(NOOP, new Noop(1));
      assertThat(spool.statuses().findOrUnknown(id).state()).isEqualTo(State.QUEUED);
    }
  }

  @Test
  void connectsWithATrustStoreHoldingThePrivateCa() {
    Path trustStore = certificates.trustStore("changeit");
    try (Spool spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(SpoolRedis.namespace())
            .tlsTrustStore(trustStore, "changeit".toCharArray())
            .build()) {
      assertThat(spool.monitor().counts("work").ready()).isZero();
    }
  }

  @Test
  void refusesAServerWhoseCertificateItCannotVerify() {
    // The JVM's default trust store does not know the private CA.
    assertThatThrownBy(
            () -> Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build())
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("cannot reach Redis at rediss://127.0.0.1:" + redis.port())
        .hasMessageContaining("its TLS certificate is not trusted here")
        .hasMessageContaining("SPOOL_JAVA_OPTS=-Djavax.net.ssl.trustStore=");
  }

  @Test
  void refusesACertificateForAnotherNameUnlessOnlyTheCaIsVerified() {
    try (SpoolRedis other = startOrSkip(certificates.server("other", "DNS:other.example"))) {
      assertThatThrownBy(
              () ->
                  Spool.builder()
                      .redis(other.uri())
                      .namespace(SpoolRedis.namespace())
                      .tlsTrustedCertificates(certificates.caCertificate())
                      .build())
          .isInstanceOf(SpoolConnectionException.class)
          .hasMessageContaining("?verifyPeer=CA");

      try (Spool spool =
          Spool.builder()
              .redis(other.uri() + "?verifyPeer=CA")
              .namespace(SpoolRedis.namespace())
              .tlsTrustedCertificates(certificates.caCertificate())
              .build()) {
        assertThat(spool.monitor().counts("work").ready()).isZero();
      }
    }
  }

  /** A TLS port given as redis://: the server drops the plain connection; the message says why. */
  @Test
  void aTlsPortGivenAsPlainRedisSaysToUseRediss() {
    String plain = "redis://127.0.0.1:" + redis.port();
    assertThatThrownBy(() -> Spool.builder().redis(plain).namespace(SpoolRedis.namespace()).build())
        .isInstanceOf(SpoolConnectionException.class)
        .hasMessageContaining("cannot reach Redis at " + plain)
        .hasMessageContaining("if it expects TLS, connect with rediss://");
  }
}
