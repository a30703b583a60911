package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad usage in spool's own words: what is wrong in one line, then where to read more. */
class UsageMessagesTest {
  @Test
  void anUnknownCommandIsNamedWithTheNearOnesAndNoWholeUsage() {
    Cli.Run run = Cli.raw("stat");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err)
        .startsWith("spool: no command 'stat'")
        .contains("Did you mean: spool stats")
        .contains("Try 'spool --help' for its commands.")
        .doesNotContain("Unmatched")
        .doesNotContain("Usage:");
    assertThat(Cli.raw("dead", "foo").err)
        .startsWith("spool dead: no command 'foo'")
        .doesNotContain("Usage:");
  }

  @Test
  void everyBenchCommandAnswersHelpEvenTheHiddenEnqueuerRunByHand() {
    Cli.Run run = Cli.raw("bench", "compare-enqueuer", "--help");

    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out).contains("compare-enqueuer").contains("--mode").contains("--redis");
    assertThat(run.err).doesNotContain("Missing required");
  }

  @Test
  void helpAsACommandPointsToTheOption() {
    Cli.Run run = Cli.raw("help");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err)
        .startsWith("spool: there is no 'help' command: help is an option, as in 'spool --help'")
        .doesNotContain("Did you mean");
  }

  @Test
  void extraArgumentsUnknownOptionsAndBadValuesAreNamed() {
    assertThat(Cli.raw("stats", "extra").err)
        .startsWith("spool stats: unexpected argument 'extra'")
        .contains("Try 'spool stats --help' for more information.");
    assertThat(Cli.raw("stats", "--bogus").err).startsWith("spool stats: unknown option '--bogus'");
    assertThat(Cli.raw("status", "foo").err)
        .startsWith("spool status: ID: not a job id: 'foo' (expected queue:number)");
    assertThat(Cli.raw("worker", "--concurrency", "x").err)
        .startsWith("spool worker: --concurrency: 'x' is not an int");
  }

  @Test
  void aBadOptionOfACommandThatAlsoGroupsOthersIsAnsweredInTwoLines() {
    Cli.Run nodes = Cli.raw("nodes", "--redis", "x");

    assertThat(nodes.code).isEqualTo(2);
    assertThat(nodes.err)
        .startsWith("spool nodes: --redis: 'x' is not a Redis URI")
        .contains("Try 'spool nodes --help' for more information.")
        .doesNotContain("Usage:");
    assertThat(Cli.raw("dead").err).contains("Usage: spool dead"); // a group alone: its commands
  }

  @Test
  void optionsThatExcludeEachOtherSaySo() {
    Cli.Run run = Cli.raw("enqueue", "x", "--delay", "1s", "--at", "2026-12-01T00:00:00Z");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err)
        .startsWith("spool enqueue: --delay and --at cannot be used together: give one of them");
  }

  @Test
  void everyCommandPrintsTheVersion() {
    String version = Cli.raw("--version").out;
    assertThat(version).startsWith("spool ");
    assertThat(Cli.raw("stats", "--version").out).isEqualTo(version);
    assertThat(Cli.raw("dead", "list", "-V").out).isEqualTo(version);
  }

  @Test
  void jsonErrorsSayWhereWithoutTheParsersInternals() {
    assertThat(
            EnqueueCommand.readable(
                "Unexpected end-of-input: expected close marker for Object (start marker at [Source:"
                    + " REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1,"
                    + " column: 1])"))
        .isEqualTo(
            "Unexpected end-of-input: expected close marker for Object (opened at line 1, column"
                + " 1)");
  }
}
