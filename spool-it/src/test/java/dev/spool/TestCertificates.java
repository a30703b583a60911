package dev.spool;

import dev.spool.testkit.RedisTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and server certificates signed by it, made for a test with the machine's {@code
 * openssl} (keytool cannot write the PEM private key redis-server needs).
 */
final class TestCertificates {
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  static boolean opensslAvailable() {
    try {
      return new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A new CA (ca.crt, ca.key) in {@code dir}. */
  static TestCertificates newCa(Path dir) {
    TestCertificates certs = new TestCertificates(dir);
    certs.run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Spool Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    return certs;
  }

  Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** A server certificate signed by the CA, for this subjectAltName (e.g. "IP:127.0.0.1"). */
  RedisTls server(String name, String subjectAltName) {
    try {
      Files.writeString(
          dir.resolve(name + ".ext"),
          "subjectAltName=" + subjectAltName + "\nbasicConstraints=CA:FALSE\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=" + name,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".crt");
    return new RedisTls(dir.resolve(name + ".crt"), dir.resolve(name + ".key"), caCertificate());
  }

  /** The CA certificate in a PKCS12 trust store, made with the JDK's keytool. */
  Path trustStore(String password) {
    run(
        "keytool",
        "-importcert",
        "-noprompt",
        "-alias",
        "spool-test-ca",
        "-file",
        "ca.crt",
        "-keystore",
        "trust.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        password);
    return dir.resolve("trust.p12");
  }

  private void run(String... command) {
    try {
      Process p =
          new ProcessBuilder(List.of(command))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
