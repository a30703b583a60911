package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobOutcome;
import dev.spool.JobType;
import dev.spool.RecurringJob;
import dev.spool.Retry;
import dev.spool.Schedule;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/nodes.md. */
class NodesExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record SendEmail(String to, String subject) {}

  record Report(String month) {}

  record Ping(String target) {}

  record Render(String scene) {}

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withRetry(Retry.none());
  static final JobType<Report> REPORT = JobType.of("report", Report.class);
  static final JobType<Ping> PING = JobType.of("ping", Ping.class);
  static final JobType<Render> RENDER = JobType.of("render", Render.class);

  private final Spool spool =
      Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final AtomicInteger messageIds = new AtomicInteger();

  @AfterEach
  void close() {
    spool.close();
  }

  /** A mailer that bounces mail for nobody@… */
  private String send(SendEmail email) {
    if (email.to().startsWith("nobody@")) {
      throw new IllegalStateException("no such mailbox: " + email.to());
    }
    return "msg-" + messageIds.incrementAndGet();
  }

  private void audit(Object messageId) {
    log.add("sent " + messageId);
  }

  private void alert(SendEmail email, Throwable error) {
    log.add("alert " + email.to() + ": " + error.getMessage());
  }

  @Test
  void aNamedNodeServesItsQueuesInOrder() {
    // snippet: named-node
    Worker worker =
        spool
            .worker("node-1")
            .queues("urgent", "mail", "default") // fetched in this order
            .concurrency(64)
            .handle(SEND_EMAIL, (job, email) -> send(email))
            .start();
    // end snippet
    try (worker) {
      JobId id = spool.enqueue(SEND_EMAIL, new SendEmail("ada@example.com", "hi"));

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> spool.statuses().findOrUnknown(id).state() == State.SUCCEEDED);
      assertThat(worker.name()).isEqualTo("node-1");
    }
  }

  @Test
  void callbacksSeeWhatTheHandlerPutAndErrbacksSeeTheError() {
    // snippet: callbacks
    Worker worker =
        spool
            .worker("node-1")
            .handle(SEND_EMAIL, (job, email) -> job.put("messageId", send(email)))
            .onSuccess(SEND_EMAIL, (job, email) -> audit(job.get("messageId").orElseThrow()))
            .onFailure(SEND_EMAIL, (job, email, error) -> alert(email, error))
            .start();
    // end snippet
    try (worker) {
      spool.enqueue(SEND_EMAIL, new SendEmail("ada@example.com", "hi"));
      spool.enqueue(SEND_EMAIL, new SendEmail("nobody@example.com", "hi"));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(log)
                      .containsExactlyInAnyOrder(
                          "sent msg-1",
                          "alert nobody@example.com: no such mailbox:" + " nobody@example.com"));
    }
  }

  @Test
  void anOutcomeCarriesTheResult() throws Exception {
    SendEmail email = new SendEmail("ada@example.com", "hi");
    try (Worker worker =
        spool
            .worker("node-1")
            .handle(SEND_EMAIL, (job, mail) -> job.put("messageId", send(mail)))
            .start()) {
      // snippet: outcome
      JobId id = spool.enqueue(SEND_EMAIL, email);
      JobOutcome outcome = spool.outcome(id).get(10, TimeUnit.SECONDS); // a CompletableFuture
      if (outcome.succeeded()) {
        audit(outcome.result().get("messageId"));
      } else {
        alert(email, new IllegalStateException(outcome.state() + ": " + outcome.errors()));
      }
      // end snippet
      assertThat(log).containsExactly("sent msg-1");
      // The outcome is published by the step that records the success; the node counts the job
      // as busy until it has read that step's reply, which may come a moment later.
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.busy() == 0);
    }
  }

  @Test
  void recurringJobsAreUpsertedListedAndCancelledByName() {
    Report args = new Report("last month");
    Ping ping = new Ping("example.com");

    // snippet: recurring
    spool.recurring(
        "nightly-report", Schedule.cron("0 3 * * *", ZoneId.of("Europe/Berlin")), REPORT, args);
    spool.recurring("ping", Schedule.every(Duration.ofSeconds(30)), PING, ping);
    List<RecurringJob> all = spool.recurringJobs(); // name, schedule, type, node, runs
    spool.cancelRecurring("ping");
    // end snippet

    assertThat(all)
        .extracting(RecurringJob::name)
        .containsExactlyInAnyOrder("nightly-report", "ping");
    assertThat(spool.recurringJobs())
        .extracting(RecurringJob::name)
        .containsExactly("nightly-report");
  }

  @Test
  void affinityPinsJobsToANodeOrKeepsThemOffOne() {
    List<String> ranOn = new CopyOnWriteArrayList<>();
    Render args = new Render("teapot");
    try (Worker gpu =
        spool.worker("gpu-1").handle(RENDER, (job, scene) -> ranOn.add(job.node())).start()) {
      // snippet: affinity
      spool.enqueue(RENDER, args, JobOptions.builder().node("gpu-1").build()); // prefer gpu-1
      // only gpu-1:
      spool.enqueue(RENDER, args, JobOptions.builder().node("gpu-1").strictNode(true).build());
      spool.enqueue(RENDER, args, JobOptions.builder().notNode("node-3").build()); // never node-3
      // end snippet

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(ranOn).containsExactly("gpu-1", "gpu-1", "gpu-1"));
      assertThat(gpu.name()).isEqualTo("gpu-1");
    }
  }
}
