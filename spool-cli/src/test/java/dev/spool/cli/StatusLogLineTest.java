package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobLogLine;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusLogLineTest {
  @Test
  void aMultiLineMessageIsIndentedUnderItsFirstLine() {
    JobLogLine line =
        new JobLogLine(Instant.parse("2026-12-01T10:00:00Z"), 2, "retrying:\r\n  at A\nat B");

    String under = " ".repeat("  2026-12-01T10:00:00Z  #2  ".length());
    assertThat(StatusCommand.logLine(line))
        .isEqualTo("  2026-12-01T10:00:00Z  #2  retrying:\n" + under + "  at A\n" + under + "at B");
  }

  @Test
  void aOneLineMessageIsPrintedAsItIs() {
    JobLogLine line = new JobLogLine(Instant.parse("2026-12-01T10:00:00Z"), 0, "done");

    assertThat(StatusCommand.logLine(line)).isEqualTo("  2026-12-01T10:00:00Z  #0  done");
  }
}
