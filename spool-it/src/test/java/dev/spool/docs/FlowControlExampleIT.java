package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.QueueControl;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/flow-control.md. */
class FlowControlExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Sync(String account) {}

  record Alert(String text) {}

  static final JobType<Sync> SYNC = JobType.of("sync", Sync.class).withQueue("partner-api");
  static final JobType<Alert> ALERT = JobType.of("alert", Alert.class).withQueue("critical");
  static final JobType<Sync> REPORT = JobType.of("report", Sync.class).withQueue("low");

  private final Spool spool =
      Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    spool.close();
  }

  @Test
  void pauseAndResume() throws Exception {
    try (Worker worker =
        spool.worker("node-1").handle(SYNC, (job, sync) -> ran.add(sync.account())).start()) {
      // snippet: pause
      QueueControl partnerApi = spool.queue("partner-api");
      partnerApi.pause(); // every node stops starting its jobs; enqueues are still accepted
      spool.enqueue(SYNC, new Sync("acme"));
      // ... the partner's API is back:
      partnerApi.resume(); // idle nodes take the waiting jobs at once
      // end snippet
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.contains("acme"));
    }
  }

  @Test
  void drain() {
    List<JobId> unwanted = spool.enqueueAll(SYNC, List.of(new Sync("a"), new Sync("b")));
    JobId retryLater =
        spool.enqueue(SYNC, new Sync("c"), JobOptions.builder().delay(Duration.ofHours(1)).build());
    // snippet: drain
    QueueControl partnerApi = spool.queue("partner-api");
    partnerApi.pause(); // optional: nothing starts while you look
    long removed = partnerApi.drain(); // waiting jobs go; running and scheduled ones stay
    long more = partnerApi.drain(true); // the scheduled ones (delays, retries) too
    partnerApi.resume();
    // end snippet
    assertThat(removed).isEqualTo(2);
    assertThat(more).isEqualTo(1);
    assertThat(unwanted).allMatch(id -> spool.statuses().findOrUnknown(id).state() == State.KILLED);
    assertThat(spool.statuses().findOrUnknown(retryLater).state()).isEqualTo(State.KILLED);
  }

  @Test
  void weights() {
    for (int i = 0; i < 20; i++) {
      spool.enqueue(ALERT, new Alert("a" + i));
      spool.enqueue(REPORT, new Sync("r" + i));
    }
    // snippet: weights
    Worker worker =
        spool
            .worker("node-1")
            .queue("critical", 6) // 60 % of the jobs started while every queue has work
            .queue("default", 3) // 30 %
            .queue("low", 1) // 10 %, and never starved
            .handle(ALERT, (job, alert) -> ran.add(alert.text()))
            .handle(REPORT, (job, report) -> ran.add(report.account()))
            .start();
    // end snippet
    try (worker) {
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 40);
    }
  }

  record Charge(String customer, long cents) {}

  // snippet: limits
  // At most 2 charges per customer run at once, on all nodes together, and at most 100 start
  // per second: the payment provider's terms.
  static final JobType<Charge> CHARGE =
      JobType.of("charge", Charge.class)
          .withQueue("payments")
          .withConcurrencyLimit(2, Charge::customer)
          .withRateLimit(100, Duration.ofSeconds(1));

  // end snippet

  @Test
  void limits() {
    // snippet: queue-limits
    QueueControl partnerApi = spool.queue("partner-api");
    partnerApi.limitConcurrency(10); // 10 of its jobs at once, whatever their type
    partnerApi.limitRate(600, Duration.ofMinutes(1)); // 600 starts a minute
    // end snippet
    assertThat(partnerApi.concurrencyLimit()).hasValue(10);
    try (Worker worker =
        spool
            .worker("node-1")
            .queues("payments", "partner-api")
            .handle(CHARGE, (job, charge) -> ran.add(charge.customer()))
            .handle(SYNC, (job, sync) -> ran.add(sync.account()))
            .start()) {
      spool.enqueue(CHARGE, new Charge("acme", 1_000));
      spool.enqueue(SYNC, new Sync("globex"));
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 2);
    }
    partnerApi.removeLimits();
    assertThat(partnerApi.concurrencyLimit()).isEmpty();
  }

  @Test
  void expiry() throws Exception {
    Instant saleEnds = Instant.now().plus(Duration.ofHours(2));
    // snippet: expiry
    // A price alert is worth sending within five minutes of being due, never later.
    JobId alert =
        spool.enqueue(
            ALERT,
            new Alert("BTC crossed 100k"),
            JobOptions.builder().ttl(Duration.ofMinutes(5)).build());
    // Or by the clock: the newsletter must not go out after the sale ends.
    JobOptions untilSaleEnds = JobOptions.builder().expiresAt(saleEnds).build();
    // end snippet
    JobId late = spool.enqueue(ALERT, new Alert("sale"), untilSaleEnds);
    try (Worker worker =
        spool.worker("node-1").handle(ALERT, (job, a) -> ran.add(a.text())).start()) {
      assertThat(spool.outcome(alert).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(spool.outcome(late).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.SUCCEEDED);
    }
  }
}
