package dev.spool;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What is written to System.err while it is captured: slf4j-simple writes Spool's log there, so a
 * test can read the lines a level logged. Close it to put System.err back.
 */
final class CapturedErr implements AutoCloseable {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream original = System.err;

  CapturedErr() {
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  String text() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** The lines logged at {@code level} ("WARN", "INFO") that contain {@code about}. */
  List<String> lines(String level, String about) {
    return text()
        .lines()
        .filter(l -> l.contains("[" + level + "]") || l.contains(" " + level + " "))
        .filter(l -> l.contains(about))
        .toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
