package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {
  @Test
  void onTheUsersRedisTheDeadLineGivesTheCommandThatListsThem() {
    String table = summary("redis://127.0.0.1:6379", false).table();

    assertThat(table)
        .contains(
            "  dead        1 job ran out of attempts (deliver-webhook); see them with spool dead"
                + " list --redis redis://127.0.0.1:6379 --namespace spool-demo-abc123")
        .doesNotContain("deadJobs()");
  }

  @Test
  void aUriWithAQueryIsQuotedForTheShellAndAHiddenPasswordIsSaidSo() {
    String table =
        summary("redis://***@127.0.0.1:6379/0?timeout=5s&clientName=demo", false).table();

    assertThat(table)
        .contains(
            "see them with spool dead list --redis"
                + " 'redis://***@127.0.0.1:6379/0?timeout=5s&clientName=demo' --namespace"
                + " spool-demo-abc123 (your password in place of ***)");
  }

  @Test
  void onItsOwnRedisServerTheDeadLineSaysHowToKeepThem() {
    // That redis-server stops with the demo: no command could list its dead jobs afterwards.
    String table = summary("redis://127.0.0.1:40123", true).table();

    assertThat(table)
        .contains(
            "  dead        1 job ran out of attempts (deliver-webhook); spool dead list shows such"
                + " jobs when the demo runs on your Redis (--redis URI)")
        .doesNotContain("deadJobs()");
  }

  @Test
  void aDemoStoppedEarlyDoesNotSayCtrlCForWhatMayHaveBeenASigterm() {
    String table = summary("redis://127.0.0.1:40123", true, false, true).table();

    assertThat(table)
        .contains("in all (stopped early, by Ctrl-C or SIGTERM)")
        .contains("counted by this process: the stop ended the demo's redis-server too")
        .doesNotContain("by Ctrl-C)")
        .doesNotContain("Ctrl-C stopped");
  }

  private static DemoSummary summary(String redis, boolean ownRedis) {
    return summary(redis, ownRedis, true, false);
  }

  private static DemoSummary summary(
      String redis, boolean ownRedis, boolean fromRedis, boolean interrupted) {
    return new DemoSummary(
        redis,
        ownRedis,
        "spool-demo-abc123",
        fromRedis,
        interrupted,
        2.0,
        3.0,
        List.of(new DemoSummary.Row("default", 3, 2, 0, 1, 0, 0, 0, 0)),
        0,
        -1,
        -1,
        new DemoSummary.Tour(
            new DemoSummary.Batch(null, 0, 0, 0, false, 0, -1),
            new DemoSummary.Recurring("demo-heartbeat", "heartbeat", "2s", 1),
            new DemoSummary.Unique("sync-account", "acct-42", 0, 0),
            new DemoSummary.Kill(null, "export-report", null, -1, -1)));
  }
}
