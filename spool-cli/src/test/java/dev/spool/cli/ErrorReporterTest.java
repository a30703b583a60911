package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.SpoolConnectionException;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {
  @Test
  void showsTheMessageOfAnExpectedFailureOnOneLineWithoutPasswords() {
    String line =
        ErrorReporter.message(
            new IllegalStateException("cannot use redis://:s3cret@db:6379\nmore detail"));

    assertThat(line).isEqualTo("cannot use redis://***@db:6379 … (--verbose shows more)");
  }

  @Test
  void closesTheParenthesesOfAFirstLineCutFromALongerMessage() {
    String line =
        ErrorReporter.message(
            new SpoolConnectionException(
                "cannot reach the cluster (Cannot retrieve partitions from [a, b]\nCaused by: x)",
                null));

    assertThat(line)
        .isEqualTo(
            "cannot reach the cluster (Cannot retrieve partitions from [a, b] …)"
                + " (--verbose shows more)");
  }

  @Test
  void showsASpoolConnectionExceptionAsItIs() {
    String line =
        ErrorReporter.message(
            new SpoolConnectionException(
                "cannot reach Redis at redis://h:1 (connection refused)", null));

    assertThat(line).isEqualTo("cannot reach Redis at redis://h:1 (connection refused)");
  }

  @Test
  void namesTheTypeOfAnUnexpectedFailure() {
    assertThat(ErrorReporter.message(new NullPointerException()))
        .isEqualTo("NullPointerException (--verbose shows more)");
  }
}
