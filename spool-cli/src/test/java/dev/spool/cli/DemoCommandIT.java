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
    Run run = spool("demo", "--redis", redis.uri(), "--duration", "5s", "--json");

    assertThat(run.code).as("exit code; stderr:%n%s", run.err).isZero();
    JsonNode summary = new ObjectMapper().readTree(run.out);
    long enqueued = summary.get("enqueued").asLong();
    long succeeded = summary.get("succeeded").asLong();
    long dead = summary.get("dead").asLong();
    long pending = summary.get("pending").asLong();
    long cancelled = summary.get("cancelled").asLong();
    assertThat(summary.get("countsFrom").asText()).isEqualTo("redis");
    assertThat(enqueued).isEqualTo(succeeded + dead + pending + cancelled);
    assertThat(summary.get("unaccounted").asLong()).isZero();
    assertThat(dead).isGreaterThanOrEqualTo(1);
    assertThat(succeeded).isPositive();
    assertThat(cancelled).isPositive();
    assertThat(summary.get("retried").asLong()).isPositive();
    // The queues add up to the totals.
    long queuesEnqueued = 0;
    for (JsonNode q : summary.get("queues")) {
      assertThat(q.get("enqueued").asLong())
          .isEqualTo(
              q.get("succeeded").asLong()
                  + q.get("dead").asLong()
                  + q.get("cancelled").asLong()
                  + q.get("pending").asLong());
      queuesEnqueued += q.get("enqueued").asLong();
    }
    assertThat(queuesEnqueued).isEqualTo(enqueued);
    // Not a terminal here: the live view is one line per second, with the status strings.
    assertThat(run.err).contains("images R=").doesNotContain("\033[");
  }

  @Test
  void theTableSumsUpForPeople() {
    Run run = spool("demo", "--redis", redis.uri(), "--duration", "2s", "--workers", "1");

    assertThat(run.code).as("exit code; stderr:%n%s", run.err).isZero();
    assertThat(run.out)
        .contains("enqueued", "succeeded", "retried", "dead", "cancelled", "pending")
        .contains("throughput")
        .contains("check       OK: ");
  }

  @Test
  void anUnknownOptionIsBadUsage() {
    Run run = spool("demo", "--no-such-option");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("Unknown option: '--no-such-option'");
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
