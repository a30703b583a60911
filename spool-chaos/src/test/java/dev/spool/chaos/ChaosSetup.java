package dev.spool.chaos;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the experiments find what they run and where they write, from system properties that the
 * module's pom sets (and a user may override with {@code -D}).
 */
final class ChaosSetup {
  private ChaosSetup() {}

  /** The shaded CLI jar that {@code spool worker} runs from: {@code -Dspool.chaos.cliJar}. */
  static Path cliJar() {
    Path jar = path("spool.chaos.cliJar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no CLI jar at "
              + jar
              + ": build it with the suite, ./mvnw -pl spool-chaos -am verify (spool-cli packages"
              + " it)");
    }
    return jar;
  }

  /** The classes of the chaos handlers: {@code -Dspool.chaos.handlers}. */
  static Path handlers() {
    return path("spool.chaos.handlers");
  }

  /** Where experiments write their logs and the report: {@code -Dspool.chaos.out}. */
  static Path out() {
    return path("spool.chaos.out");
  }

  /** How many jobs the kill -9 experiment runs: {@code -Dspool.chaos.jobs}, 5 000 by default. */
  static int jobs() {
    return Integer.getInteger("spool.chaos.jobs", 5_000);
  }

  private static Path path(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "-D" + property + " is not set: run the suite through Maven (see docs/reliability.md)");
    }
    return Path.of(value).toAbsolutePath().normalize();
  }
}
