package dev.spool.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareTableTest {
  @Test
  void wholeNumbersOfFiveDigitsAndMoreAreGroupedByThousands() {
    assertThat(CompareTable.number(9700, 0)).isEqualTo("9700");
    assertThat(CompareTable.number(55_200.4, 0)).isEqualTo("55 200");
    assertThat(CompareTable.number(1_234_567, 0)).isEqualTo("1 234 567");
    assertThat(CompareTable.number(-12_345, 0)).isEqualTo("-12 345");
    assertThat(CompareTable.number(0.8049, 2)).isEqualTo("0.80");
  }

  @Test
  void aCellIsTheMedianWithItsRangeAndSaysWhenRunsAreMissing() {
    assertThat(CompareTable.cell(new Stats(11_000, 10_500, 12_000, 3), 0, 3))
        .isEqualTo("11 000 (10 500–12 000)");
    assertThat(CompareTable.cell(new Stats(1.5, 1.5, 1.5, 3), 2, 3)).isEqualTo("1.50");
    assertThat(CompareTable.cell(new Stats(1.5, 1.0, 2.0, 2), 1, 3))
        .isEqualTo("1.5 (1.0–2.0) [2 of 3 runs]");
    assertThat(CompareTable.cell(null, 0, 3)).isEqualTo("–");
  }

  @Test
  void ratiosHaveTwoDecimals() {
    assertThat(CompareTable.ratio(1.1428)).isEqualTo("1.14×");
    assertThat(CompareTable.ratio(Double.NaN)).isEqualTo("–");
  }

  @Test
  void theTableIsMarkdownWithOneRowPerFigureAndTheRatioToBullmq() {
    RunRecord bullmq1 = run("bullmq", 1, 100);
    RunRecord bullmq2 = run("bullmq", 2, 120);
    RunRecord spool1 = run("spool", 1, 300);
    RunRecord spool2 = run("spool", 2, 340);
    RunRecord spoolFailed = run("spool", 3, 1);
    spoolFailed.problem("the counter is 1, expected 2");
    List<RunRecord> runs = new ArrayList<>(List.of(bullmq1, bullmq2, spool1, spool2, spoolFailed));
    CompareReport report =
        new CompareReport(
            List.of(
                new CompareReport.Column("bullmq", "BullMQ"),
                new CompareReport.Column("spool", "Spool")),
            runs);
    Figure figure = new Figure("W1-incr", "processedJobsPerSec", "W1 jobs/s", 0, true);

    String table = report.table(List.of(figure), 2);

    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .matches("\\| figure +\\| BullMQ +\\| Spool +\\| Spool/BullMQ \\| better \\|");
    assertThat(lines.get(1)).matches("\\|( -+ \\|)+");
    // the failed run is left out: medians 110 and 320
    assertThat(lines.get(2))
        .contains("| W1 jobs/s ")
        .contains("| 110 (100–120) ")
        .contains("| 320 (300–340) ")
        .contains("| 2.91× ")
        .endsWith("| higher |");
    assertThat(report.summary(List.of(figure)).toString())
        .contains("\"spool/bullmq\":2.909")
        .contains("\"failedRuns\":1")
        .contains("\"verified\":false");
  }

  private static RunRecord run(String system, int n, double jobsPerSec) {
    RunRecord r = new RunRecord("W1-incr", system, n);
    r.put("processedJobsPerSec", jobsPerSec);
    return r;
  }
}
