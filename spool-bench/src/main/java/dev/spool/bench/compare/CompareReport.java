package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the runs into the table's rows and the summary line: per figure and system, the median, min
 * and max over the verified runs, and each Spool system's ratio to BullMQ.
 */
final class CompareReport {
  /** A system's id and its column heading. */
  record Column(String id, String heading) {}

  private final List<Column> systems;
  private final List<RunRecord> runs;

  CompareReport(List<Column> systems, List<RunRecord> runs) {
    this.systems = List.copyOf(systems);
    this.runs = List.copyOf(runs);
  }

  /** The figure over the verified runs of one system (or of Redis, for the ceiling). */
  Stats stats(Figure f, String system) {
    List<Double> values = new ArrayList<>();
    for (RunRecord r : runs) {
      if (r.workload.equals(f.workload()) && r.system.equals(system) && r.verified()) {
        values.add(r.figures.get(f.key()));
      }
    }
    return Stats.of(values);
  }

  private boolean isRedisFigure(Figure f) {
    return runs.stream()
        .anyMatch(r -> r.workload.equals(f.workload()) && r.system.equals(Figure.REDIS));
  }

  /** The Spool columns, to be divided by BullMQ's. */
  private List<Column> spoolColumns() {
    return systems.stream().filter(s -> !s.id().equals("bullmq")).toList();
  }

  private boolean hasBullmq() {
    return systems.stream().anyMatch(s -> s.id().equals("bullmq"));
  }

  List<String> ratioHeadings() {
    if (!hasBullmq()) {
      return List.of();
    }
    return spoolColumns().stream().map(c -> c.heading() + "/BullMQ").toList();
  }

  List<CompareTable.Row> rows(List<Figure> figures) {
    List<CompareTable.Row> rows = new ArrayList<>();
    for (Figure f : figures) {
      List<Stats> cells = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      if (isRedisFigure(f)) {
        // a figure of the machine, not of a system: the same in every column, no ratio
        Stats s = stats(f, Figure.REDIS);
        systems.forEach(c -> cells.add(s));
        if (hasBullmq()) {
          spoolColumns().forEach(c -> ratios.add(Double.NaN));
        }
      } else {
        systems.forEach(c -> cells.add(stats(f, c.id())));
        if (hasBullmq()) {
          Stats bullmq = stats(f, "bullmq");
          spoolColumns().forEach(c -> ratios.add(Stats.ratio(stats(f, c.id()), bullmq)));
        }
      }
      rows.add(new CompareTable.Row(f, cells, ratios));
    }
    return rows;
  }

  String table(List<Figure> figures, int runsEach) {
    return CompareTable.format(
        systems.stream().map(Column::heading).toList(), ratioHeadings(), rows(figures), runsEach);
  }

  /** The summary line: every figure's median, min and max per system, and the ratios. */
  ObjectNode summary(List<Figure> figures) {
    ObjectNode summary = RunRecord.JSON.createObjectNode();
    summary.put("compare", "summary");
    ObjectNode all = summary.putObject("figures");
    for (Figure f : figures) {
      ObjectNode workload =
          all.has(f.workload()) ? (ObjectNode) all.get(f.workload()) : all.putObject(f.workload());
      ObjectNode figure = workload.putObject(f.key());
      List<String> ids =
          isRedisFigure(f) ? List.of(Figure.REDIS) : systems.stream().map(Column::id).toList();
      for (String id : ids) {
        Stats s = stats(f, id);
        ObjectNode cell = figure.putObject(id);
        if (s == null) {
          cell.putNull("median");
        } else {
          cell.put("median", RunRecord.round(s.median()));
          cell.put("min", RunRecord.round(s.min()));
          cell.put("max", RunRecord.round(s.max()));
          cell.put("runs", s.n());
        }
      }
      if (!isRedisFigure(f) && hasBullmq()) {
        Stats bullmq = stats(f, "bullmq");
        for (Column c : spoolColumns()) {
          double ratio = Stats.ratio(stats(f, c.id()), bullmq);
          if (Double.isFinite(ratio)) {
            figure.put(c.id() + "/bullmq", Math.round(ratio * 1000) / 1000.0);
          }
        }
      }
    }
    long failed = runs.stream().filter(r -> !r.verified()).count();
    long warned = runs.stream().filter(r -> !r.warnings.isEmpty()).count();
    summary.put("runs", runs.size());
    summary.put("failedRuns", failed);
    summary.put("runsWithWarnings", warned);
    summary.put("verified", failed == 0 && warned == 0);
    return summary;
  }
}
