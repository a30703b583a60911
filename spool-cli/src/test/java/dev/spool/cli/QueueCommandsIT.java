package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spool queue pause | resume | status | limit | drain | forget}. */
class QueueCommandsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

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
  void pausesAndResumesAQueueForEveryClient() throws Exception {
    spool.statuses().create("mail"); // the namespace has the queue
    assertThat(cli.run("queue", "status", "mail").ok().out).contains("queue 'mail' is running");

    assertThat(cli.run("queue", "pause", "mail").ok().out)
        .contains("paused queue 'mail': no node starts its jobs until it is resumed");
    assertThat(spool.queue("mail").isPaused()).isTrue();
    assertThat(cli.run("queue", "pause", "mail").ok().out).contains("was paused already");
    JsonNode status = cli.run("queue", "status", "mail", "--json").ok().json();
    assertThat(status.get("paused").asBoolean()).isTrue();

    JsonNode resumed = cli.run("queue", "resume", "mail", "--json").ok().json();
    assertThat(resumed.get("changed").asBoolean()).isTrue();
    assertThat(spool.queue("mail").isPaused()).isFalse();
    assertThat(cli.run("queue", "resume", "mail").ok().out).contains("was not paused");
  }

  /**
   * A worker started with a misspelt queue lists it for good (the stats, the dashboard and the
   * metrics showed it with zeros ever after): it can be forgotten once no live node serves it, and
   * never while it holds jobs.
   */
  @Test
  void forgetsAQueueNoLongerUsedButNeverOneInUse() throws Exception {
    dev.spool.Worker worker =
        spool
            .worker("node-1")
            .queues("mail", "mial")
            .handle(dev.spool.JobType.of("noop", Object.class).withQueue("mail"), (job, a) -> {})
            .start();
    try {
      assertThat(spool.monitor().queues()).contains("mial");
      Cli.Run served = cli.run("queue", "forget", "mial");
      assertThat(served.code).isEqualTo(1);
      assertThat(served.err).contains("served by live node(s) [node-1]");
    } finally {
      worker.close();
    }
    JsonNode forgotten = cli.run("queue", "forget", "mial", "--json").ok().json();
    assertThat(forgotten.get("forgotten").asBoolean()).isTrue();
    assertThat(spool.monitor().queues()).contains("mail").doesNotContain("mial");
    assertThat(cli.run("queue", "forget", "mial").code).as("no such queue now").isEqualTo(1);

    spool.enqueue(dev.spool.JobType.of("noop", Object.class).withQueue("mail"), "x");
    Cli.Run inUse = cli.run("queue", "forget", "mail");
    assertThat(inUse.code).isEqualTo(1);
    assertThat(inUse.err).contains("queue 'mail' is in use: 1 ready");
    assertThat(spool.monitor().queues()).contains("mail");
  }

  @Test
  void setsShowsAndRemovesAQueuesLimits() throws Exception {
    spool.statuses().create("api");
    assertThat(cli.run("queue", "limit", "api", "--concurrency", "10", "--rate", "600/1m").ok().out)
        .contains("queue 'api' is running, at most 10 at once, at most 600/1m starts");
    assertThat(spool.queue("api").concurrencyLimit()).hasValue(10);
    assertThat(spool.queue("api").rateLimit())
        .hasValueSatisfying(r -> assertThat(r.per()).isEqualTo(java.time.Duration.ofMinutes(1)));
    JsonNode status = cli.run("queue", "status", "api", "--json").ok().json();
    assertThat(status.get("concurrencyLimit").asInt()).isEqualTo(10);
    assertThat(status.get("rateLimit").asText()).isEqualTo("600/1m");

    assertThat(cli.run("queue", "limit", "api", "--remove").ok().out)
        .contains("queue 'api' is running")
        .doesNotContain("at most");
    assertThat(spool.queue("api").concurrencyLimit()).isEmpty();

    Cli.Run bad = cli.run("queue", "limit", "api", "--rate", "lots");
    assertThat(bad.code).isEqualTo(2);
    assertThat(bad.err).contains("--rate must be N/TIME, such as 600/1m or 10/1s, got 'lots'");
  }

  @Test
  void drainsAQueuesWaitingJobsAndWithScheduledItsScheduledOnesToo() throws Exception {
    JobOptions mail = JobOptions.builder().queue("mail").build();
    JobOptions later = JobOptions.builder().queue("mail").delay(Duration.ofHours(1)).build();
    List<JobId> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(
          spool.enqueue(TestJobHandlers.ECHO, JsonNodeFactory.instance.numberNode(i), mail));
    }
    JobId delayed =
        spool.enqueue(TestJobHandlers.ECHO, JsonNodeFactory.instance.numberNode(9), later);

    assertThat(cli.run("queue", "drain", "mail").ok().out)
        .contains("drained queue 'mail': removed 3 jobs (waiting; scheduled jobs stay)");
    assertThat(waiting).allMatch(id -> spool.statuses().findOrUnknown(id).state() == State.KILLED);
    assertThat(spool.statuses().findOrUnknown(delayed).state()).isEqualTo(State.SCHEDULED);

    JsonNode json = cli.run("queue", "drain", "mail", "--scheduled", "--json").ok().json();
    assertThat(json.get("queue").asText()).isEqualTo("mail");
    assertThat(json.get("removed").asLong()).isEqualTo(1);
    assertThat(json.get("scheduled").asBoolean()).isTrue();
    assertThat(spool.statuses().findOrUnknown(delayed).state()).isEqualTo(State.KILLED);
    assertThat(cli.run("queue", "drain", "mail").ok().out).contains("removed 0 jobs");
  }

  @Test
  void aQueueTheNamespaceDoesNotHaveIsRefusedAndNotRemembered() {
    spool.statuses().create("mail");
    for (String[] command :
        new String[][] {
          {"pause"}, {"resume"}, {"status"}, {"limit", "--concurrency", "2"}, {"drain"}
        }) {
      String[] args = new String[command.length + 2];
      args[0] = "queue";
      args[1] = command[0];
      args[2] = "mial";
      System.arraycopy(command, 1, args, 3, command.length - 1);
      Cli.Run run = cli.run(args);
      assertThat(run.code).as(command[0]).isEqualTo(1);
      assertThat(run.err)
          .contains("no queue 'mial' in namespace '" + ns + "' (its queues: mail)")
          .contains("once a job was enqueued to it or a worker served it");
    }
    assertThat(spool.monitor().queues()).containsExactly("mail");
    assertThat(spool.queue("mial").isPaused()).isFalse();
  }

  @Test
  void aBadQueueNameIsAUsageError() {
    for (String command : new String[] {"pause", "resume", "status", "drain"}) {
      Cli.Run result = cli.run("queue", command, "no spaces allowed");
      assertThat(result.code).as(command).isEqualTo(2);
      assertThat(result.err).contains("QUEUE: invalid queue name");
    }
    Cli.Run limit = cli.run("queue", "limit", "a:b", "--concurrency", "2");
    assertThat(limit.code).isEqualTo(2);
    assertThat(limit.err).contains("QUEUE: invalid queue name");
  }
}
