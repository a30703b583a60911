package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.testkit.SpoolRedis;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spool worker} in a process of its own started with SIGINT ignored, as a shell without job
 * control starts a job with {@code &}: it keeps SIGINT ignored, so its banner must not promise that
 * Ctrl-C stops it; SIGTERM does.
 */
class WorkerSignalIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @TempDir Path dir;

  @Test
  void aWorkerStartedWithSigintIgnoredSaysSigtermStopsItAndSigtermDoes() throws Exception {
    assumeTrue(new File("/bin/sh").canExecute(), "needs /bin/sh");
    List<String> command = new ArrayList<>();
    // trap '' INT ignores SIGINT; exec keeps it ignored in the JVM, as '&' in a script does.
    command.addAll(List.of("/bin/sh", "-c", "trap '' INT; exec \"$0\" \"$@\""));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(
        List.of(
            "worker",
            "--name",
            "ignoring-node",
            "--redis",
            redis.uri(),
            "--namespace",
            SpoolRedis.namespace()));
    File err = dir.resolve("err").toFile();
    Process process = new ProcessBuilder(command).redirectError(err).start();
    try {
      List<String> banner = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          banner.add(line);
          if (line.endsWith("stops it.")) {
            break;
          }
        }
        assertThat(banner)
            .as(Files.readString(err.toPath()))
            .contains("SIGTERM stops it.")
            .doesNotContain("Ctrl-C stops it.");

        Process kill = new ProcessBuilder("kill", "-TERM", "" + process.pid()).start();
        assertThat(kill.waitFor()).isZero();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      }
      // 143 (128 + SIGTERM): the JVM exits as the signal asks once the stop has run.
      assertThat(process.exitValue()).as(Files.readString(err.toPath())).isIn(0, 143);
      assertThat(Files.readString(err.toPath()))
          .contains("spool: node \"ignoring-node\" stopped: ")
          .doesNotContain("Ctrl-C again");
    } finally {
      process.destroyForcibly();
    }
  }
}
