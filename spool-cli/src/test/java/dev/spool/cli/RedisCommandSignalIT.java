package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code spool redis} in a process of its own: one Ctrl-C (or SIGTERM) stops its redis-server and
 * exits with 0, as {@code spool dashboard} does; 130 means a second Ctrl-C forced a stop.
 */
class RedisCommandSignalIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void oneSignalStopsTheServerAndExitsWithZero(String signal) throws Exception {
    // A process started in the background by a shell without job control ignores SIGINT, and
    // passes that on to its children (this test's among them): Ctrl-C cannot reach it there.
    assumeFalse(signal.equals("INT") && sigintIgnored(), "SIGINT is ignored in this environment");
    File err = dir.resolve("err").toFile();
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "redis")
            .redirectError(err)
            .start();
    try {
      String uri;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        uri = out.readLine(); // printed once the server is up
        assertThat(uri).as(Files.readString(err.toPath())).startsWith("redis://127.0.0.1:");

        Process kill = new ProcessBuilder("kill", "-" + signal, "" + process.pid()).start();
        assertThat(kill.waitFor()).isZero();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      }
      assertThat(process.exitValue()).as(Files.readString(err.toPath())).isZero();
      assertThat(Files.readString(err.toPath())).contains("Stopping redis-server...");
      URI parsed = URI.create(uri);
      assertThatThrownBy(() -> new Socket(parsed.getHost(), parsed.getPort()).close())
          .as("the server is down")
          .isInstanceOf(ConnectException.class);
    } finally {
      process.destroyForcibly();
    }
  }

  /** Whether this process ignores SIGINT (bit 2 of /proc/self/status's SigIgn mask). */
  private static boolean sigintIgnored() throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    return Files.readAllLines(status).stream()
        .filter(l -> l.startsWith("SigIgn:"))
        .map(l -> Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16))
        .anyMatch(mask -> (mask & (1L << 1)) != 0);
  }
}
