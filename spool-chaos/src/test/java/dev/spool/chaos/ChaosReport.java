package dev.spool.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The table of the suite: one row per experiment, kept in {@code target/chaos/rows} and written out
 * whole to {@code target/chaos/chaos-report.md} (and stdout) each time an experiment ends.
 */
final class ChaosReport {
  /**
   * One experiment's outcome.
   *
   * @param order where the row goes in the table
   * @param runTwice jobs whose handler started more than once
   * @param recovery how long the jobs of a dead node took to run again, or "-"
   */
  record Row(
      int order,
      String experiment,
      long jobs,
      long lost,
      long runTwice,
      String recovery,
      String lease,
      String result,
      String notes) {
    String cells() {
      return String.join(
          " | ",
          experiment,
          Long.toString(jobs),
          Long.toString(lost),
          Long.toString(runTwice),
          recovery,
          lease,
          result,
          notes);
    }
  }

  static final String HEADER =
      "| experiment | jobs | lost | run twice | recovery | lease | result | notes |\n"
          + "|---|---:|---:|---:|---|---|---|---|\n";

  private ChaosReport() {}

  /** Adds (or replaces) the experiment's row and rewrites the report. */
  static synchronized String write(Row row, String redisVersion) {
    Path out = ChaosSetup.out();
    Path rows = out.resolve("rows");
    try {
      Files.createDirectories(rows);
      Files.writeString(
          rows.resolve(String.format("%02d.row", row.order())),
          "| " + row.cells().replace("\n", " ") + " |\n",
          StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      try (Stream<Path> files = Files.list(rows)) {
        for (Path f : files.sorted().toList()) {
          lines.add(Files.readString(f, StandardCharsets.UTF_8));
        }
      }
      String table =
          "Spool chaos suite, redis-server "
              + redisVersion
              + ", "
              + Runtime.getRuntime().availableProcessors()
              + " cores, last row written "
              + Instant.now().truncatedTo(ChronoUnit.SECONDS)
              + "\n\n"
              + HEADER
              + String.join("", lines);
      Files.writeString(out.resolve("chaos-report.md"), table, StandardCharsets.UTF_8);
      return table;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chaos report under " + out, e);
    }
  }
}
