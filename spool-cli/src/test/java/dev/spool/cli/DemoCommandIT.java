package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.testkit.SpoolRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

class DemoCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void theSummaryAccountsForEveryJob() throws Exception {
    Run run = spool("demo", "--redis", redis.uri(), "--duration", "12s", "--json");

    assertThat(run.code).as("exit code; stderr:%n%s", run.err).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out);
    long enqueued = summary.get("enqueued").asLong();
    long succeeded = summary.get("succeeded").asLong();
    long dead = summary.get("dead").asLong();
    long killed = summary.get("killed").asLong();
    long pending = summary.get("pending").asLong();
    long cancelled = summary.get("cancelled").asLong();
    assertThat(summary.get("countsFrom").asText()).isEqualTo("redis");
    assertThat(enqueued).isEqualTo(succeeded + dead + killed + cancelled + pending);
    assertThat(summary.get("unaccounted").asLong()).isZero();
    assertThat(dead).isGreaterThanOrEqualTo(1);
    assertThat(succeeded).isPositive();
    assertThat(cancelled).isPositive();
    assertThat(killed).isGreaterThanOrEqualTo(1);
    assertThat(summary.get("retried").asLong()).isPositive();
    // Rejected jobs were never enqueued: beside the check, not in it.
    assertThat(summary.get("rejected").asLong()).isPositive();

    // The queues add up to the totals, and each accounts for its jobs.
    long queuesEnqueued = 0;
    long queuesRejected = 0;
    for (JsonNode q : summary.get("queues")) {
      assertThat(q.get("enqueued").asLong())
          .isEqualTo(
              q.get("succeeded").asLong()
                  + q.get("dead").asLong()
                  + q.get("killed").asLong()
                  + q.get("cancelled").asLong()
                  + q.get("pending").asLong());
      queuesEnqueued += q.get("enqueued").asLong();
      queuesRejected += q.get("rejected").asLong();
    }
    assertThat(queuesEnqueued).isEqualTo(enqueued);
    assertThat(queuesRejected).isEqualTo(summary.get("rejected").asLong());

    // The batch finished, and its on-complete job ran exactly once; the thumbnails queue holds
    // its 1000 parts and that job, all succeeded.
    JsonNode batch = summary.get("batch");
    assertThat(batch.get("id").asText()).startsWith("thumbnails:");
    assertThat(batch.get("parts").asLong()).isEqualTo(1000);
    assertThat(batch.get("succeeded").asLong()).isEqualTo(1000);
    assertThat(batch.get("finished").asBoolean()).isTrue();
    assertThat(batch.get("onCompleteRuns").asLong()).isEqualTo(1);
    JsonNode thumbnails = summary.get("queues").get("thumbnails");
    assertThat(thumbnails.get("enqueued").asLong()).isEqualTo(1001);
    assertThat(thumbnails.get("succeeded").asLong()).isEqualTo(1001);

    // The recurring job ran (every 2 s in a demo this short), its runs counted in default.
    JsonNode recurring = summary.get("recurring");
    assertThat(recurring.get("every").asText()).isEqualTo("2s");
    assertThat(recurring.get("runs").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(summary.get("queues").get("default").get("enqueued").asLong())
        .isGreaterThanOrEqualTo(recurring.get("runs").asLong());

    // Unique requests: every one accepted or rejected; the killed job is the long report.
    JsonNode unique = summary.get("unique");
    assertThat(unique.get("accepted").asLong()).isPositive();
    assertThat(unique.get("rejected").asLong()).isEqualTo(summary.get("rejected").asLong());
    JsonNode kill = summary.get("kill");
    assertThat(kill.get("type").asText()).isEqualTo("export-report");
    assertThat(kill.get("state").asText()).isEqualTo("killed");
    assertThat(kill.get("ranMs").asLong()).isGreaterThanOrEqualTo(1000);

    // Not a terminal here: the live view is one line per second, with the status strings.
    assertThat(run.err)
        .contains("images R=")
        .contains("thumbnails R=")
        .contains("batch 1000/1000")
        .doesNotContain("\033[");
  }

  @Test
  void theTableSumsUpForPeople() {
    Run run = spool("demo", "--redis", redis.uri(), "--duration", "2s", "--workers", "1");

    assertThat(run.code).as("exit code; stderr:%n%s", run.err).isZero();
    assertThat(run.out)
        .contains("enqueued", "succeeded", "retried", "dead", "killed", "cancelled", "pending")
        .contains("| rejected")
        .contains("throughput")
        .containsPattern("(?m)^  batch +1000 thumbnails: ")
        .containsPattern("(?m)^  recurring +demo-heartbeat ran ")
        .contains("check       OK: ");
    // The first wave's webhook dies, and the summary says which command lists it.
    String dead = run.out.lines().filter(l -> l.startsWith("  dead ")).findFirst().orElseThrow();
    assertThat(dead)
        .contains("ran out of attempts (deliver-webhook); see them with spool dead list");
    String[] command =
        dead.substring(dead.indexOf("spool dead list") + "spool ".length()).split(" ");
    Run list = spool(command);
    assertThat(list.code).as(list.err).isZero();
    assertThat(list.out).contains("deliver-webhook");
  }

  @Test
  void aTooShortRecurringIntervalIsBadUsage() {
    Run run = spool("demo", "--recurring-every", "500ms");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("--recurring-every must be at least 1s, got 500ms");
  }

  @Test
  void anUnknownOptionIsBadUsage() {
    Run run = spool("demo", "--no-such-option");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("spool demo: unknown option '--no-such-option'");
  }

  @Test
  void aBadDurationIsBadUsage() {
    Run run = spool("demo", "--duration", "soon");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("'soon' is not a duration");
  }

  @Test
  void anUnreachableRedisFailsWithOneLine() {
    Run run = spool("demo", "--redis", "redis://:hunter2@127.0.0.1:1", "--duration", "1s");

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip().lines()).hasSize(1);
    assertThat(run.err)
        .startsWith("spool: ")
        .contains("cannot reach Redis")
        .contains("127.0.0.1:1")
        .doesNotContain("hunter2")
        .doesNotContain("Exception");
  }

  @Test
  void anOptionBeforeTheCommandIsBadUsageThatSaysWhereOptionsGo() {
    Run run = spool("--redis", "redis://:hunter2@127.0.0.1:1", "stats");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err)
        .contains("spool: unknown option '--redis'\n")
        .contains("Options go after the command, e.g. 'spool stats --redis …'")
        .doesNotContain("hunter2");
    assertThat(run.err.lines().count()).isLessThanOrEqualTo(3); // not the whole command list
  }

  @Test
  void noCommandIsBadUsage() {
    Run run = spool();

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("choose a command");
  }

  private record Run(int code, String out, String err) {}

  private static Run spool(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
