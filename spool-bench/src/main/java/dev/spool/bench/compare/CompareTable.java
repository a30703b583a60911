package dev.spool.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison's table, in Markdown: one row per figure, a column per system with the median and
 * the min–max of its verified runs, then each Spool column's ratio to BullMQ.
 */
final class CompareTable {
  /** A row: the figure, one cell per system (null: no verified run), and the ratios. */
  record Row(Figure figure, List<Stats> cells, List<Double> ratios) {}

  private CompareTable() {}

  /**
   * @param systems the column headings of the systems
   * @param ratioHeadings the headings of the ratio columns
   * @param runs how many runs each cell should have: a cell with fewer says how many it has
   */
  static String format(List<String> systems, List<String> ratioHeadings, List<Row> rows, int runs) {
    List<List<String>> table = new ArrayList<>();
    List<String> heading = new ArrayList<>();
    heading.add("figure");
    heading.addAll(systems);
    heading.addAll(ratioHeadings);
    heading.add("better");
    table.add(heading);
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.figure().label());
      for (Stats s : row.cells()) {
        cells.add(cell(s, row.figure().decimals(), runs));
      }
      for (Double r : row.ratios()) {
        cells.add(ratio(r));
      }
      cells.add(row.figure().higherIsBetter() ? "higher" : "lower");
      table.add(cells);
    }
    return markdown(table);
  }

  /** "median (min–max)", "median" when all runs agree, "–" when no run was verified. */
  static String cell(Stats s, int decimals, int runs) {
    if (s == null) {
      return "–";
    }
    String text = number(s.median(), decimals);
    String min = number(s.min(), decimals);
    String max = number(s.max(), decimals);
    if (!min.equals(max)) {
      text += " (" + min + "–" + max + ")";
    }
    if (s.n() < runs) {
      text += " [" + s.n() + " of " + runs + " runs]";
    }
    return text;
  }

  static String ratio(Double r) {
    return r == null || !Double.isFinite(r) ? "–" : String.format(Locale.ROOT, "%.2f×", r);
  }

  /** Fixed decimals; whole numbers of 10 000 and more grouped by thousands with a space. */
  static String number(double v, int decimals) {
    if (decimals > 0) {
      return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
    long rounded = Math.round(v);
    String digits = Long.toString(Math.abs(rounded));
    if (digits.length() > 4) {
      StringBuilder grouped = new StringBuilder();
      int first = digits.length() % 3 == 0 ? 3 : digits.length() % 3;
      grouped.append(digits, 0, first);
      for (int i = first; i < digits.length(); i += 3) {
        grouped.append(' ').append(digits, i, i + 3);
      }
      digits = grouped.toString();
    }
    return rounded < 0 ? "-" + digits : digits;
  }

  private static String markdown(List<List<String>> table) {
    int columns = table.getFirst().size();
    int[] width = new int[columns];
    for (List<String> row : table) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < table.size(); r++) {
      appendRow(out, table.get(r), width);
      if (r == 0) {
        List<String> rule = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
          rule.add("-".repeat(Math.max(3, width[c])));
        }
        appendRow(out, rule, width);
      }
    }
    return out.toString();
  }

  private static void appendRow(StringBuilder out, List<String> cells, int[] width) {
    out.append('|');
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      out.append(' ').append(cell).append(" ".repeat(width[c] - cell.length())).append(" |");
    }
    out.append('\n');
  }
}
