package dev.spool.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A plain text table for people: a header line, then one line per row, columns two spaces apart,
 * numbers right-aligned. Empty cells show as "-".
 */
final class Table {
  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<String[]> rows = new ArrayList<>();

  private Table(List<String> headers) {
    this.headers = headers;
    this.rightAligned = new boolean[headers.size()];
  }

  /** A table with these column titles (shown in capitals); none for a key/value listing. */
  static Table of(String... headers) {
    return new Table(Arrays.stream(headers).map(h -> h.toUpperCase(Locale.ROOT)).toList());
  }

  /** A two-column listing without a header: keys on the left, values on the right. */
  static Table keyValue() {
    return new Table(List.of());
  }

  /** Right-aligns these columns (zero-based). */
  Table alignRight(int... columns) {
    for (int c : columns) {
      rightAligned[c] = true;
    }
    return this;
  }

  Table row(Object... cells) {
    if (!headers.isEmpty() && cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + headers.size() + " columns");
    }
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = cell(cells[i]);
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** The lines, each ending with a line separator; indented by {@code indent} spaces. */
  String render(int indent) {
    int columns = headers.isEmpty() ? rows.stream().mapToInt(r -> r.length).max().orElse(0) : 0;
    columns = Math.max(columns, headers.size());
    int[] width = new int[columns];
    List<String[]> lines = new ArrayList<>();
    if (!headers.isEmpty()) {
      lines.add(headers.toArray(String[]::new));
    }
    lines.addAll(rows);
    for (String[] line : lines) {
      for (int c = 0; c < line.length; c++) {
        width[c] = Math.max(width[c], line[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] line : lines) {
      StringBuilder l = new StringBuilder(" ".repeat(indent));
      for (int c = 0; c < line.length; c++) {
        if (c > 0) {
          l.append("  ");
        }
        boolean right = c < rightAligned.length && rightAligned[c];
        String pad = " ".repeat(width[c] - line[c].length());
        boolean last = c == line.length - 1;
        l.append(right ? pad + line[c] : last ? line[c] : line[c] + pad);
      }
      b.append(l.toString().stripTrailing()).append(System.lineSeparator());
    }
    return b.toString();
  }

  String render() {
    return render(0);
  }

  private static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString().replaceAll("\\s*\\R\\s*", " ");
    return s.isEmpty() ? "-" : s;
  }

  /** The text, cut to at most {@code max} characters with "..." at the end if it was longer. */
  static String truncate(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, Math.max(0, max - 3)) + "...";
  }
}
