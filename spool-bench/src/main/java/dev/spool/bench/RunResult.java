package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The figures of one run and whether its counts were verified. */
final class RunResult {
  final ObjectNode figures = BenchEnv.JSON.createObjectNode();
  final List<String> problems = new ArrayList<>();

  boolean verified() {
    return problems.isEmpty();
  }

  /** Records a problem: the run is then not verified. */
  void problem(String problem) {
    problems.add(problem);
  }

  /** Records a problem unless the condition holds. */
  void check(boolean condition, String problem) {
    if (!condition) {
      problem(problem);
    }
  }

  RunResult put(String name, long value) {
    figures.put(name, value);
    return this;
  }

  /** A non-finite value (a rate over no time) is written as null. */
  RunResult put(String name, double value, int decimals) {
    if (Double.isFinite(value)) {
      figures.put(name, round(value, decimals));
    } else {
      figures.putNull(name);
    }
    return this;
  }

  RunResult put(String name, boolean value) {
    figures.put(name, value);
    return this;
  }

  static double round(double value, int decimals) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value;
    }
    return java.math.BigDecimal.valueOf(value)
        .setScale(decimals, java.math.RoundingMode.HALF_UP)
        .doubleValue();
  }
}
