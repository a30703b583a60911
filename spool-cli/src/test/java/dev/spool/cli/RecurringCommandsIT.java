package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobOptions;
import dev.spool.Schedule;
import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spool recurring list | cancel}. */
class RecurringCommandsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ObjectMapper mapper = new ObjectMapper();
  private String ns;
  private Spool spool;
  private Cli cli;

  @BeforeEach
  void connect() {
    ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void listsTheRecurringJobsByName() throws Exception {
    Instant before = Instant.now();
    spool.recurring(
        "ping",
        Schedule.every(Duration.ofSeconds(30)),
        TestJobHandlers.ECHO.withQueue("ops"),
        mapper.readTree("{\"to\":\"a\"}"));
    spool.recurring(
        "nightly-report",
        Schedule.cron("0 3 * * *", ZoneId.of("Europe/Berlin")),
        TestJobHandlers.ECHO,
        mapper.readTree("{}"),
        JobOptions.builder()
            .node("reporter")
            .strictNode(true)
            .notNode("web-1")
            .priority(5)
            .build());

    List<String> lines = cli.run("recurring", "list").ok().out.lines().toList();
    JsonNode doc = cli.run("recurring", "list", "--json").ok().json();

    assertThat(lines.get(0))
        .matches("NAME +QUEUE +SCHEDULE +TYPE +RUNS ON +PRIORITY +LAST RUN +NEXT RUN");
    assertThat(lines.get(1))
        .matches(
            "nightly-report +default +cron '0 3 \\* \\* \\*' in Europe/Berlin +cli-echo"
                + " +only reporter, not web-1 +5 +never +20\\S+Z");
    assertThat(lines.get(2)).matches("ping +ops +every 30s +cli-echo +any node +0 +never +20\\S+Z");
    assertThat(lines).hasSize(3);
    JsonNode ping = doc.get("recurring").get(1);
    assertThat(ping.get("name").asText()).isEqualTo("ping");
    assertThat(ping.get("queue").asText()).isEqualTo("ops");
    assertThat(ping.get("schedule").asText()).isEqualTo("every PT30S");
    assertThat(ping.get("type").asText()).isEqualTo("cli-echo");
    assertThat(ping.get("args").get("to").asText()).isEqualTo("a");
    assertThat(ping.get("lastRun").isNull()).isTrue();
    assertThat(ping.get("node").isNull()).isTrue();
    assertThat(ping.get("priority").asInt()).isZero();
    JsonNode nightly = doc.get("recurring").get(0);
    assertThat(nightly.get("node").asText()).isEqualTo("reporter");
    assertThat(nightly.get("strictNode").asBoolean()).isTrue();
    assertThat(nightly.get("notNode").asText()).isEqualTo("web-1");
    assertThat(nightly.get("priority").asInt()).isEqualTo(5);
    Instant next = Instant.parse(ping.get("nextRun").asText());
    assertThat(next).isBetween(before.plusSeconds(29), Instant.now().plusSeconds(31));
  }

  @Test
  void jsonKeepsTheStoredNumbersOfTheArgumentsAsWritten() throws Exception {
    ObjectMapper exact =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    spool.recurring(
        "precise",
        Schedule.every(Duration.ofMinutes(1)),
        TestJobHandlers.ECHO,
        exact.readTree("{\"a\":1e400,\"b\":0.1000000000000000055511151231257827}"));

    String out = cli.run("recurring", "list", "--json").ok().out;

    assertThat(out).doesNotContain("Infinity");
    JsonNode args = exact.readTree(out).get("recurring").get(0).get("args");
    assertThat(args.get("a").decimalValue()).isEqualByComparingTo("1e400");
    assertThat(args.get("b").decimalValue())
        .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
  }

  @Test
  void cancelsARecurringJob() throws Exception {
    spool.recurring(
        "ping", Schedule.every(Duration.ofMinutes(1)), TestJobHandlers.ECHO, mapper.readTree("{}"));
    spool.recurring(
        "pong", Schedule.every(Duration.ofMinutes(1)), TestJobHandlers.ECHO, mapper.readTree("{}"));

    Cli.Run text = cli.run("recurring", "cancel", "ping").ok();
    JsonNode json = cli.run("recurring", "cancel", "pong", "--json").ok().json();

    assertThat(text.out.strip())
        .isEqualTo("cancelled recurring job 'ping' (jobs it enqueued stay)");
    assertThat(json.get("name").asText()).isEqualTo("pong");
    assertThat(json.get("cancelled").asBoolean()).isTrue();
    assertThat(spool.recurringJobs()).isEmpty();
    assertThat(cli.run("recurring", "list").ok().out.strip())
        .isEqualTo("no recurring jobs in namespace '" + ns + "'");
    assertThat(cli.run("recurring", "list", "--json").ok().json().get("recurring")).isEmpty();
  }

  @Test
  void cancellingANameNoRecurringJobCanHaveIsBadUsage() {
    Cli.Run empty = cli.run("recurring", "cancel", "");
    Cli.Run blank = cli.run("recurring", "cancel", "  ");
    Cli.Run tooLong = cli.run("recurring", "cancel", "x".repeat(201));

    for (Cli.Run run : List.of(empty, blank, tooLong)) {
      assertThat(run.code).as(run.err).isEqualTo(2);
      assertThat(run.err)
          .contains(
              "NAME must be 1 to 200 characters, not only blanks, as recurring job names are");
    }
  }

  @Test
  void cancellingAnUnknownRecurringJobFails() {
    Cli.Run run = cli.run("recurring", "cancel", "nope");

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip()).isEqualTo("spool: no recurring job 'nope'");
  }

  @Test
  void noSubcommandOrNameIsBadUsage() {
    Cli.Run none = Cli.raw("recurring");
    Cli.Run noName = cli.run("recurring", "cancel");

    assertThat(none.code).isEqualTo(2);
    assertThat(none.err).contains("choose a command: list or cancel");
    assertThat(noName.code).isEqualTo(2);
    assertThat(noName.err).contains("Missing required parameter: 'NAME'");
  }
}
