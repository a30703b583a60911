package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

class QueryCommandIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private Spool spool;
  private Cli cli;
  private String queued; // q1, "A", arg b1
  private String failed; // q1, "B"
  private String killed; // q2, "A"
  private String succeeded; // q2, "B"

  @BeforeEach
  void connect() {
    String ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
    queued = create("q1", "A").jobArgs(Map.of("book", "b1")).queued().id().toString();
    failed = create("q1", "B").started().failed().id().toString();
    killed = create("q2", "A").started().killed().id().toString();
    succeeded = create("q2", "B").started().succeeded().id().toString();
  }

  private JobStatus create(String queue, String name) {
    return spool.statuses().create(queue).jobName(name);
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void listsTheLatestStatusesAsATable() {
    Cli.Run run = cli.run("query").ok();

    List<String> lines = run.out.lines().toList();
    assertThat(lines.getFirst()).matches("ID +STATE +ATTEMPT +JOB +RECORDED AT");
    assertThat(lines).hasSize(6);
    assertThat(lines.get(1)).startsWith(succeeded).contains("succeeded", "B");
    assertThat(lines.get(4)).startsWith(queued).contains("queued", "A");
    assertThat(lines.getLast()).isEqualTo("1-4 of 4");
  }

  @Test
  void filtersByStateNameArgumentAndQueue() {
    assertThat(ids("--state", "failed,killed")).containsExactlyInAnyOrder(failed, killed);
    assertThat(ids("--state", "COMPLETED")).containsExactlyInAnyOrder(failed, succeeded);
    assertThat(ids("--name", "A")).containsExactlyInAnyOrder(queued, killed);
    assertThat(ids("--arg", "b1")).containsExactly(queued);
    assertThat(ids("--queue", "q2")).containsExactlyInAnyOrder(killed, succeeded);
    assertThat(ids("--queue", "q2", "--name", "A")).containsExactly(killed);
    assertThat(ids("--timestamp", "started_at", "--after", "2000-01-01T00:00:00Z"))
        .containsExactlyInAnyOrder(failed, killed, succeeded);
    assertThat(ids("--after", "1h")).hasSize(4);
    assertThat(ids("--before", "1h")).isEmpty();
  }

  @Test
  void countsInsteadOfListing() {
    assertThat(cli.run("query", "--count").ok().out.strip()).isEqualTo("4");
    assertThat(cli.run("query", "--count", "--state", "incomplete").ok().out.strip())
        .isEqualTo("2");
    assertThat(cli.run("query", "--count", "--json").ok().json().get("count").asLong())
        .isEqualTo(4);
  }

  @Test
  void pagesWithLimitAndOffset() {
    JsonNode all = cli.run("query", "--json").ok().json();
    JsonNode page = cli.run("query", "--json", "--limit", "2", "--offset", "1").ok().json();
    Cli.Run text = cli.run("query", "--limit", "2");

    assertThat(page.get("total").asLong()).isEqualTo(4);
    assertThat(page.get("totalComplete").asBoolean()).isTrue();
    assertThat(page.get("offset").asLong()).isEqualTo(1);
    assertThat(page.get("limit").asLong()).isEqualTo(2);
    assertThat(page.get("statuses")).hasSize(2);
    assertThat(page.get("statuses").get(0)).isEqualTo(all.get("statuses").get(1));
    assertThat(page.get("statuses").get(1)).isEqualTo(all.get("statuses").get(2));
    JsonNode first = all.get("statuses").get(0);
    assertThat(first.get("id").asText()).isEqualTo(succeeded);
    assertThat(first.get("state").asText()).isEqualTo("succeeded");
    assertThat(first.get("attempt").asInt()).isZero();
    assertThat(first.get("jobName").asText()).isEqualTo("B");
    assertThat(first.get("recordedAt").asText()).endsWith("Z");
    assertThat(text.out).contains("1-2 of 4 (--offset 2 for more)");
  }

  /**
   * A page's last line counted every match, walking every queue's statuses: its work grew with the
   * history kept, whatever the page. The count now stops after its budget (200 ms), saying so.
   */
  @Test
  void aPagesCountStopsAtItsBudgetAndSaysItCountedThatManySoFar() {
    // No time at all: one bounded step, of queue q1 (2 of the 4), then the count stops.
    Consumer<CommandLine> noTimeToCount =
        cli ->
            ((QueryCommand) cli.getSubcommands().get("query").getCommand()).countBudget =
                Duration.ZERO;
    Cli.Run text = cli.runWith(noTimeToCount, "query", "--limit", "2").ok();
    JsonNode json = cli.runWith(noTimeToCount, "query", "--limit", "2", "--json").ok().json();
    Cli.Run alone = cli.runWith(noTimeToCount, "query", "--limit", "0").ok();

    assertThat(text.out.lines().toList().getLast()).isEqualTo("1-2 of ≥ 2 (--offset 2 for more)");
    assertThat(json.get("total").asLong()).isEqualTo(2);
    assertThat(json.get("totalComplete").asBoolean()).isFalse();
    assertThat(alone.out.strip()).isEqualTo("0 of ≥ 2");
    // --count counts them all, and a page that ends before its limit says how many there are.
    assertThat(cli.runWith(noTimeToCount, "query", "--count").ok().out.strip()).isEqualTo("4");
    assertThat(cli.runWith(noTimeToCount, "query", "--offset", "1").ok().out)
        .contains("2-4 of 4" + System.lineSeparator());
  }

  @Test
  void aQueueTheNamespaceNeverHadIsRefusedAsQueuePauseRefusesIt() {
    Cli.Run run = cli.run("query", "--queue", "nosuch");
    Cli.Run count = cli.run("query", "--queue", "nosuch", "--count");
    Cli.Run known = cli.run("query", "--queue", "q1", "--name", "nope").ok();

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err)
        .contains("no queue 'nosuch' in namespace '")
        .contains("(its queues: q1, q2)");
    assertThat(count.code).isEqualTo(1);
    assertThat(known.out.strip()).isEqualTo("no matching jobs");
  }

  @Test
  void saysWhenNothingMatches() {
    assertThat(cli.run("query", "--name", "nope").ok().out.strip()).isEqualTo("no matching jobs");
  }

  @Test
  void anUnknownStateIsBadUsageListingTheValidOnes() {
    Cli.Run run = cli.run("query", "--state", "failed,bogus");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.out).isEmpty();
    assertThat(run.err)
        .contains(
            "unknown state 'bogus': use one of unqueued, scheduled, queued, started, succeeded,"
                + " failed, killed, completed, incomplete");
    Cli.Run unknown = cli.run("query", "--state", "unknown");
    assertThat(unknown.code).isEqualTo(2);
    assertThat(unknown.err).contains("no status is stored as 'unknown': use one of unqueued");
  }

  @Test
  void otherBadQueriesAreBadUsage() {
    assertThat(cli.run("query", "--state", "unknown").code).isEqualTo(2);
    assertThat(cli.run("query", "--timestamp", "kill_requested_at").err)
        .contains("unknown timestamp 'kill_requested_at'");
    assertThat(cli.run("query", "--after", "1h", "--before", "2h").err)
        .contains("is later than --before");
    assertThat(cli.run("query", "--after", "yesterday").err)
        .contains("'yesterday' is neither an ISO-8601 instant");
    assertThat(cli.run("query", "--limit", "-1").code).isEqualTo(2);
  }

  @Test
  void anEmptyNameOrArgumentIsBadUsageInTheCommandsWords() {
    Cli.Run name = cli.run("query", "--name", "");
    Cli.Run arg = cli.run("query", "--arg", "");

    assertThat(name.code).isEqualTo(2);
    assertThat(name.err).startsWith("spool query: --name: a job name must not be empty");
    assertThat(arg.code).isEqualTo(2);
    assertThat(arg.err).startsWith("spool query: --arg: the value must not be empty");
    assertThat(name.err + arg.err).doesNotContain("jobName()").doesNotContain("jobArg()");
  }

  @Test
  void limitZeroPrintsTheCountAloneAsDeadListDoes() {
    Cli.Run run = cli.run("query", "--limit", "0").ok();

    assertThat(run.out).isEqualTo("0 of 4" + System.lineSeparator());
    assertThat(cli.run("query", "--limit", "0", "--name", "nope").ok().out.strip())
        .isEqualTo("no matching jobs");
    assertThat(cli.run("query", "--offset", "9").ok().out)
        .contains("no matching jobs at offset 9")
        .contains("4 match in all");
  }

  private List<String> ids(String... options) {
    List<String> args = new ArrayList<>(List.of("query", "--json"));
    args.addAll(List.of(options));
    List<String> ids = new ArrayList<>();
    for (JsonNode s : cli.run(args.toArray(String[]::new)).ok().json().get("statuses")) {
      ids.add(s.get("id").asText());
    }
    return ids;
  }
}
