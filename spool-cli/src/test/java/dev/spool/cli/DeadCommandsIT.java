package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.testkit.SpoolRedis;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spool dead list|retry|purge} and {@code spool retry}. */
class DeadCommandsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ObjectMapper mapper = new ObjectMapper();
  private Spool spool;
  private Cli cli;

  @BeforeEach
  void connect() {
    String ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
  }

  @AfterEach
  void close() {
    spool.close();
  }

  /** Jobs that die at once: two in "default", one in "mail". */
  private List<JobId> deadJobs() throws Exception {
    JobOptions once = JobOptions.builder().retry(Retry.none()).build();
    JobOptions mailOnce = JobOptions.builder().retry(Retry.none()).queue("mail").build();
    List<JobId> ids = new ArrayList<>();
    ids.add(spool.enqueue(TestJobHandlers.FAIL, mapper.readTree("{\"n\":1}"), once));
    ids.add(spool.enqueue(TestJobHandlers.FAIL, mapper.readTree("{\"n\":2}"), once));
    ids.add(spool.enqueue(TestJobHandlers.FAIL, mapper.readTree("{\"n\":3}"), mailOnce));
    TestJobHandlers.runUntil(
        spool,
        () -> spool.deadJobs().size("default") == 2 && spool.deadJobs().size("mail") == 1,
        "default",
        "mail");
    return ids;
  }

  @Test
  void jsonKeepsTheStoredNumbersOfTheArgumentsAsWritten() throws Exception {
    ObjectMapper exact =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    spool.enqueue(
        TestJobHandlers.FAIL,
        exact.readTree("{\"a\":1e400,\"b\":0.1000000000000000055511151231257827}"),
        JobOptions.builder().retry(Retry.none()).build());
    TestJobHandlers.runUntil(spool, () -> spool.deadJobs().size("default") == 1, "default");

    String out = cli.run("dead", "list", "--json").ok().out;

    assertThat(out).doesNotContain("Infinity");
    JsonNode args = exact.readTree(out).get("jobs").get(0).get("args");
    assertThat(args.get("a").decimalValue()).isEqualByComparingTo("1e400");
    assertThat(args.get("b").decimalValue())
        .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
  }

  @Test
  void aQueueTheNamespaceNeverHadIsRefusedAsQueuePauseRefusesIt() {
    spool.statuses().create("mail");
    String[][] commands = {
      {"dead", "list", "--queue", "nosuch"},
      {"dead", "list", "--queue", "nosuch", "--json"},
      {"dead", "purge", "--queue", "nosuch"},
      {"dead", "retry", "--all", "--queue", "nosuch"}
    };
    for (String[] command : commands) {
      Cli.Run run = cli.run(command);
      assertThat(run.code).as(String.join(" ", command)).isEqualTo(1);
      assertThat(run.out).isEmpty();
      assertThat(run.err)
          .contains("no queue 'nosuch' in namespace '")
          .contains("(its queues: mail)");
    }
    assertThat(cli.run("dead", "list", "--queue", "mail").ok().out.strip())
        .isEqualTo("no dead jobs in queue mail");
  }

  @Test
  void listsDeadJobsOfEveryQueueOrOne() throws Exception {
    List<JobId> ids = deadJobs();

    Cli.Run all = cli.run("dead", "list").ok();
    JsonNode json = cli.run("dead", "list", "--json").ok().json();
    Cli.Run mail = cli.run("dead", "list", "--queue", "mail").ok();
    JsonNode limited = cli.run("dead", "list", "--json", "--limit", "1").ok().json();
    Cli.Run countOnly = cli.run("dead", "list", "--limit", "0").ok();

    assertThat(all.out.lines().findFirst().orElseThrow())
        .matches("ID +TYPE +ATTEMPT +DIED AT +LAST ERROR");
    assertThat(all.out)
        .contains(ids.get(0).toString(), ids.get(1).toString(), ids.get(2).toString())
        .contains("java.lang.IllegalStateException: failing on purpose")
        .contains("3 of 3 dead jobs");
    assertThat(mail.out).contains(ids.get(2).toString()).doesNotContain(ids.get(0).toString());
    assertThat(json.get("total").asLong()).isEqualTo(3);
    assertThat(json.get("jobs")).hasSize(3);
    JsonNode first = null;
    for (JsonNode j : json.get("jobs")) {
      if (j.get("id").asText().equals(ids.get(0).toString())) {
        first = j;
      }
    }
    assertThat(first).isNotNull();
    assertThat(first.get("queue").asText()).isEqualTo("default");
    assertThat(first.get("type").asText()).isEqualTo("cli-fail");
    assertThat(first.get("attempt").asInt()).isZero();
    assertThat(first.get("diedAt").asText()).endsWith("Z");
    assertThat(first.get("args")).isEqualTo(mapper.readTree("{\"n\":1}"));
    assertThat(first.get("error").get("message").asText()).isEqualTo("failing on purpose");
    assertThat(limited.get("jobs")).hasSize(1);
    assertThat(limited.get("total").asLong()).isEqualTo(3);
    assertThat(countOnly.out.strip()).isEqualTo("0 of 3 dead jobs");
  }

  @Test
  void saysWhenThereAreNone() {
    assertThat(cli.run("dead", "list").ok().out.strip()).isEqualTo("no dead jobs");
    assertThat(cli.run("dead", "list", "--json").ok().json().get("jobs")).isEmpty();
  }

  @Test
  void retriesOneDeadJob() throws Exception {
    List<JobId> ids = deadJobs();

    Cli.Run run = cli.run("dead", "retry", ids.get(0).toString()).ok();
    JsonNode json = cli.run("retry", ids.get(2).toString(), "--json").ok().json();

    assertThat(run.out).contains("retried " + ids.get(0));
    assertThat(json.get("id").asText()).isEqualTo(ids.get(2).toString());
    assertThat(json.get("retried").asBoolean()).isTrue();
    assertThat(spool.statuses().find(ids.get(0)).orElseThrow().state()).isEqualTo(State.QUEUED);
    assertThat(spool.deadJobs().size("default")).isEqualTo(1);
    assertThat(spool.deadJobs().size("mail")).isZero();
  }

  @Test
  void retryingAJobThatIsNotDeadFails() throws Exception {
    JobId queued = spool.enqueue(TestJobHandlers.ECHO, mapper.readTree("{}"));

    Cli.Run notDead = cli.run("retry", queued.toString());
    Cli.Run unknown = cli.run("dead", "retry", "default:999");

    assertThat(notDead.code).isEqualTo(1);
    assertThat(notDead.err.strip())
        .isEqualTo("spool: job " + queued + " is neither dead nor killed (it is queued)");
    assertThat(unknown.code).isEqualTo(1);
    assertThat(unknown.err.strip()).isEqualTo("spool: no job 'default:999'");
  }

  @Test
  void retriesEveryDeadJobOfAQueue() throws Exception {
    deadJobs();

    Cli.Run run = cli.run("dead", "retry", "--all", "--queue", "default").ok();

    assertThat(run.out.strip()).isEqualTo("retried 2 dead jobs of queue default");
    assertThat(spool.deadJobs().size("default")).isZero();
    assertThat(spool.deadJobs().size("mail")).isEqualTo(1);
  }

  @Test
  void purgesTheDeadJobsOfAQueue() throws Exception {
    deadJobs();

    JsonNode json = cli.run("dead", "purge", "--queue", "default", "--json").ok().json();

    assertThat(json.get("queue").asText()).isEqualTo("default");
    assertThat(json.get("purged").asLong()).isEqualTo(2);
    assertThat(spool.deadJobs().size("default")).isZero();
    assertThat(spool.deadJobs().size("mail")).isEqualTo(1);
    assertThat(cli.run("dead", "purge", "--queue", "mail").ok().out.strip())
        .isEqualTo("purged 1 dead job of queue mail");
  }

  @Test
  void withoutQueueEveryDeadCommandActsOnEveryQueue() throws Exception {
    deadJobs();

    assertThat(cli.run("dead", "list", "--json").ok().json().get("total").asLong()).isEqualTo(3);
    JsonNode purged = cli.run("dead", "purge", "--json").ok().json();
    assertThat(purged.get("purged").asLong()).isEqualTo(3);
    assertThat(purged.get("queues").get("mail").asLong()).isEqualTo(1);
    assertThat(spool.deadJobs().size("default") + spool.deadJobs().size("mail")).isZero();

    deadJobs();
    Cli.Run retried = cli.run("dead", "retry", "--all").ok();
    assertThat(retried.out.strip()).isEqualTo("retried 3 dead jobs (default 2, mail 1)");
    assertThat(spool.deadJobs().size("default") + spool.deadJobs().size("mail")).isZero();
  }

  @Test
  void badUsage() {
    assertThat(cli.run("dead").code).isEqualTo(2);
    assertThat(cli.run("dead", "retry").err).contains("give the id of a dead job, or --all");
    assertThat(cli.run("dead", "retry", "default:1", "--all", "--queue", "default").code)
        .isEqualTo(2);
    assertThat(cli.run("dead", "purge", "--queue", "a b").code).isEqualTo(2);
    assertThat(cli.run("dead", "list", "--queue", "a b").code).isEqualTo(2);
    assertThat(cli.run("retry", "nope").code).isEqualTo(2);
  }
}
