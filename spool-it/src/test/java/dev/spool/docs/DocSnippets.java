package dev.spool.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that every Java block of the user docs is a region of a compiled, tested source file.
 *
 * <p>In a markdown file, a block is preceded by {@code <!-- snippet: NAME (path/from/root.java)
 * -->}; in that source file the region lies between {@code // snippet: NAME} and {@code // end
 * snippet}. Both are compared after removing their common indentation and trailing blanks.
 */
final class DocSnippets {
  private static final Pattern MARKER =
      Pattern.compile("^\\s*<!-- snippet: ([\\w-]+) \\(([^)\\s]+)\\) -->\\s*$");
  private static final Pattern JAVA_FENCE = Pattern.compile("^(\\s*)```java\\s*$");
  private static final Pattern FENCE_END = Pattern.compile("^\\s*```\\s*$");
  private static final String REGION_START = "// snippet: ";
  private static final String REGION_END = "// end snippet";

  private final Path root;

  DocSnippets(Path root) {
    this.root = root;
  }

  /** The repository root: the nearest directory upwards that holds {@code mvnw} and docs. */
  static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /** Every problem found in one markdown file, each a message naming the file, line and snippet. */
  List<String> check(Path markdown) {
    List<String> problems = new ArrayList<>();
    List<String> lines = read(markdown);
    String where = root.relativize(markdown.toAbsolutePath()).toString();
    for (int i = 0; i < lines.size(); i++) {
      if (!JAVA_FENCE.matcher(lines.get(i)).matches()) {
        continue;
      }
      int start = i;
      int end = start + 1;
      while (end < lines.size() && !FENCE_END.matcher(lines.get(end)).matches()) {
        end++;
      }
      i = end;
      Matcher marker = start > 0 ? MARKER.matcher(lines.get(start - 1)) : null;
      if (marker == null || !marker.matches()) {
        problems.add(
            where
                + ":"
                + (start + 1)
                + ": a ```java block without a '<!-- snippet: NAME (path/to/Source.java) -->'"
                + " line right before it");
        continue;
      }
      String name = marker.group(1);
      List<String> block = normalized(lines.subList(start + 1, Math.min(end, lines.size())));
      String problem = compare(marker.group(2), name, block);
      if (problem != null) {
        problems.add(where + ":" + (start + 1) + ": snippet '" + name + "': " + problem);
      }
    }
    return problems;
  }

  private String compare(String sourcePath, String name, List<String> block) {
    Path source = root.resolve(sourcePath);
    if (!Files.isRegularFile(source)) {
      return "no file " + sourcePath;
    }
    List<String> region = region(read(source), name);
    if (region == null) {
      return "no region '" + REGION_START + name + "' … '" + REGION_END + "' in " + sourcePath;
    }
    for (int n = 0; n < Math.max(block.size(), region.size()); n++) {
      String doc = n < block.size() ? block.get(n) : "(end of block)";
      String code = n < region.size() ? region.get(n) : "(end of region)";
      if (!doc.equals(code)) {
        return "differs from "
            + sourcePath
            + " at line "
            + (n + 1)
            + " of the snippet\n    doc:  "
            + doc
            + "\n    code: "
            + code;
      }
    }
    return null;
  }

  /** The lines between the region's markers, or null if there is no such region. */
  static List<String> region(List<String> source, String name) {
    for (int i = 0; i < source.size(); i++) {
      if (source.get(i).strip().equals(REGION_START + name)) {
        int end = i + 1;
        while (end < source.size() && !source.get(end).strip().equals(REGION_END)) {
          end++;
        }
        return normalized(source.subList(i + 1, end));
      }
    }
    return null;
  }

  /** Without blank lines around it, trailing blanks, or the indentation all lines share. */
  static List<String> normalized(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    return unindented(lines.subList(from, to));
  }

  private static List<String> unindented(List<String> lines) {
    int indent =
        lines.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    return lines.stream()
        .map(line -> line.isBlank() ? "" : line.substring(indent).stripTrailing())
        .toList();
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
