package dev.spool.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code SPOOL_CLASSPATH}, which {@code bin/spool} appends to the class path for the jars of job
 * handlers. The JVM skips an entry that does not exist without a word, so a typo would surface only
 * as "no job handlers"; the worker names the missing entries instead.
 */
final class HandlerClassPath {
  private HandlerClassPath() {}

  /** The entries of a class path in the {@code java -cp} form that name nothing on disk. */
  static List<String> missing(String classPath) {
    List<String> missing = new ArrayList<>();
    if (classPath == null || classPath.isBlank()) {
      return missing;
    }
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      // "lib/*" is every jar of lib/: the folder must exist.
      String path = entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry;
      if (!Files.exists(Path.of(path.isEmpty() ? "." : path))) {
        missing.add(entry);
      }
    }
    return missing;
  }
}
