package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code spool redis}: its port is a free one, 0 (as for the dashboard), or a real port. */
class RedisCommandTest {
  @Test
  void aPortOutOfRangeIsBadUsageThatOffersZero() {
    for (String bad : new String[] {"70000", "-1"}) {
      Cli.Run run = Cli.raw("redis", "--port", bad);

      assertThat(run.code).as(bad).isEqualTo(2);
      assertThat(run.err).as(bad).contains("--port must be 0 (a free one) or in [1, 65535]");
    }
  }

  @Test
  void theExitCodesOfTheHelpIncludeThoseOfASecondCtrlC() {
    Cli.Run run = Cli.raw("--help");

    assertThat(run.code).isZero();
    assertThat(run.out)
        .contains("Exit codes:")
        .contains("  2  bad usage")
        .contains("  130  a second Ctrl-C forced spool worker or spool demo to stop");
  }
}
