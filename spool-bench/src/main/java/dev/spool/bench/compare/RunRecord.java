package dev.spool.bench.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run of one workload on one system: its figures and what went wrong, if anything. */
final class RunRecord {
  static final ObjectMapper JSON = new ObjectMapper();

  final String workload;
  final String system;
  final int run;
  final Map<String, Double> figures = new LinkedHashMap<>();
  final List<String> problems = new ArrayList<>();
  final Map<String, String> notes = new LinkedHashMap<>();

  /** What breaks a promise of the system (a job started early) without spoiling the figures. */
  final List<String> warnings = new ArrayList<>();

  RunRecord(String workload, String system, int run) {
    this.workload = workload;
    this.system = system;
    this.run = run;
  }

  boolean verified() {
    return problems.isEmpty();
  }

  void put(String figure, double value) {
    figures.put(figure, value);
  }

  void note(String name, String value) {
    notes.put(name, value);
  }

  void warn(String warning) {
    warnings.add(warning);
  }

  void problem(String problem) {
    problems.add(problem);
  }

  /** Records a problem unless the condition holds. */
  void check(boolean condition, String problem) {
    if (!condition) {
      problem(problem);
    }
  }

  /** The run's JSON line. */
  ObjectNode json() {
    ObjectNode line = JSON.createObjectNode();
    line.put("compare", "run");
    line.put("workload", workload);
    line.put("system", system);
    line.put("run", run);
    ObjectNode f = line.putObject("figures");
    figures.forEach(
        (k, v) -> {
          if (Double.isFinite(v)) {
            f.put(k, round(v));
          } else {
            f.putNull(k);
          }
        });
    ObjectNode n = line.putObject("notes");
    notes.forEach(n::put);
    line.put("verified", verified());
    ArrayNode w = line.putArray("warnings");
    warnings.forEach(w::add);
    ArrayNode p = line.putArray("problems");
    problems.forEach(p::add);
    return line;
  }

  /** Four significant digits at least, no more than three decimals: enough for any figure here. */
  static double round(double v) {
    double scaled = Math.abs(v) >= 100 ? Math.round(v * 10) / 10.0 : Math.round(v * 1000) / 1000.0;
    return scaled;
  }
}
