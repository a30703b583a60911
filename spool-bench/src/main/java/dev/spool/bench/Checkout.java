package dev.spool.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Spool checkout a benchmark runs from (bin/spool runs a copy of the CLI jar in {@code
 * <root>/.spool/run}), and git in it.
 */
public final class Checkout {
  private Checkout() {}

  /** The checkout, or an error that says to give {@code --root}. */
  public static Path find() {
    Path found = findOrNull();
    if (found == null) {
      throw new IllegalStateException(
          "cannot find the Spool checkout (bin/spool and bench/compare): run it with bin/spool"
              + " from the checkout, or give --root");
    }
    return found;
  }

  public static Path findOrNull() {
    List<Path> starts = new ArrayList<>();
    try {
      starts.add(
          Path.of(Checkout.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | RuntimeException e) {
      // no code source: try the working directory
    }
    starts.add(Path.of("").toAbsolutePath());
    for (Path start : starts) {
      for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("bin/spool"))
            && Files.isDirectory(p.resolve("bench/compare"))) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * What {@code git args...} prints in {@code dir} (trimmed at its end), or "" when git is missing,
   * fails or takes over 10 s.
   */
  public static String git(Path dir, String... args) {
    if (dir == null) {
      return "";
    }
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      p.getOutputStream().close();
      String text = new String(p.getInputStream().readAllBytes()).stripTrailing();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "";
      }
      return p.exitValue() == 0 ? text : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
