package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spool kill} and {@code spool cancel}. */
class KillAndCancelIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private final ObjectMapper mapper = new ObjectMapper();
  private Spool spool;
  private Cli cli;
  private JsonNode args;

  @BeforeEach
  void connect() throws Exception {
    String ns = SpoolRedis.namespace();
    spool = Spool.builder().redis(redis.uri()).namespace(ns).build();
    cli = new Cli(redis.uri(), ns);
    args = mapper.readTree("{}");
  }

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void cancelsAQueuedOrDelayedJob() {
    JobId queued = spool.enqueue(TestJobHandlers.ECHO, args);
    JobId delayed =
        spool.enqueue(
            TestJobHandlers.ECHO, args, JobOptions.builder().delay(Duration.ofHours(1)).build());

    Cli.Run run = cli.run("cancel", queued.toString()).ok();
    JsonNode json = cli.run("cancel", delayed.toString(), "--json").ok().json();

    assertThat(run.out.strip()).isEqualTo("cancelled " + queued);
    assertThat(json.get("id").asText()).isEqualTo(delayed.toString());
    assertThat(json.get("cancelled").asBoolean()).isTrue();
    assertThat(state(queued)).isEqualTo(State.KILLED);
    assertThat(state(delayed)).isEqualTo(State.KILLED);
  }

  @Test
  void cancellingAJobThatIsNotWaitingFails() {
    JobId id = spool.enqueue(TestJobHandlers.ECHO, args);
    cli.run("cancel", id.toString()).ok();

    Cli.Run again = cli.run("cancel", id.toString());
    Cli.Run unknown = cli.run("cancel", "default:999");

    assertThat(again.code).isEqualTo(1);
    assertThat(again.out).isEmpty();
    assertThat(again.err.strip())
        .isEqualTo("spool: job " + id + " is not queued or delayed (it is killed)");
    assertThat(unknown.code).isEqualTo(1);
    assertThat(unknown.err.strip()).isEqualTo("spool: no job 'default:999'");
    assertThat(cli.run("cancel", "default:x").code).isEqualTo(2);
  }

  @Test
  void killsAQueuedJobAtOnce() {
    JobId id = spool.enqueue(TestJobHandlers.ECHO, args);

    Cli.Run run = cli.run("kill", id.toString()).ok();

    assertThat(run.out.strip()).isEqualTo("killed " + id + " (it was queued)");
    assertThat(state(id)).isEqualTo(State.KILLED);
  }

  @Test
  void killsARunningJob() {
    JobId id = spool.enqueue(TestJobHandlers.BLOCK, args);
    Worker worker = TestJobHandlers.on(spool.worker("kill-test")).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> state(id) == State.STARTED);

      JsonNode json = cli.run("kill", id.toString(), "--json").ok().json();

      assertThat(json.get("id").asText()).isEqualTo(id.toString());
      assertThat(json.get("requested").asBoolean()).isTrue();
      assertThat(json.get("state").asText()).isIn("started", "killed");
      await().atMost(Duration.ofSeconds(30)).until(() -> state(id) == State.KILLED);
    } finally {
      worker.close();
    }
  }

  @Test
  void killingAFinishedOrUnknownJobFails() {
    JobId id = spool.enqueue(TestJobHandlers.ECHO, args);
    cli.run("kill", id.toString()).ok();

    Cli.Run again = cli.run("kill", id.toString());
    Cli.Run unknown = cli.run("kill", "default:999");

    assertThat(again.code).isEqualTo(1);
    assertThat(again.err.strip())
        .isEqualTo("spool: job " + id + " has finished already (it is killed)");
    assertThat(unknown.code).isEqualTo(1);
    assertThat(unknown.err.strip()).isEqualTo("spool: no job 'default:999'");
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
