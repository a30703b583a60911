package dev.spool.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Median, min and max of a figure over runs; percentiles of a run's samples. */
public record Stats(double median, double min, double max, int n) {
  /** Of the finite values (NaN and infinities are left out); null when there is none. */
  public static Stats of(List<Double> values) {
    List<Double> finite = new ArrayList<>();
    for (Double v : values) {
      if (v != null && Double.isFinite(v)) {
        finite.add(v);
      }
    }
    if (finite.isEmpty()) {
      return null;
    }
    finite.sort(null);
    int n = finite.size();
    double median =
        n % 2 == 1 ? finite.get(n / 2) : (finite.get(n / 2 - 1) + finite.get(n / 2)) / 2;
    return new Stats(median, finite.getFirst(), finite.getLast(), n);
  }

  /**
   * The nearest-rank percentile ({@code p} in (0, 100]) of samples, which it sorts in place: the
   * smallest value that at least p % of the samples do not exceed.
   */
  static long percentile(long[] samples, double p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    Arrays.sort(samples);
    int rank = (int) Math.ceil(p / 100.0 * samples.length);
    return samples[Math.max(0, rank - 1)];
  }

  /** a / b of two medians, or NaN when either is missing or b is zero. */
  static double ratio(Stats a, Stats b) {
    if (a == null || b == null || b.median() == 0) {
      return Double.NaN;
    }
    return a.median() / b.median();
  }
}
