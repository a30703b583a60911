package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.RunLaterException;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.UnrecoverableJobException;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/retries.md. */
class RetriesExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Charge(String customer, long cents) {}

  /** A partner's API, as the example's handler sees it. */
  static final class Payments {
    final Map<String, Integer> quotaLeft = new ConcurrentHashMap<>(Map.of("acme", 0, "globex", 1));

    boolean knows(String customer) {
      return quotaLeft.containsKey(customer);
    }

    boolean overQuota(String customer) {
      // acme has room from its second call on; globex from its first
      return quotaLeft.merge(customer, 1, Integer::sum) <= 1;
    }

    void charge(String customer, long cents) {
      if (cents < 0) {
        throw new IllegalArgumentException("a charge is never negative: " + cents);
      }
    }
  }

  // snippet: retries-policy
  static final JobType<Charge> CHARGE =
      JobType.of("charge", Charge.class)
          .withQueue("billing")
          .withRetry(
              Retry.exponential(10, Duration.ofSeconds(1), 2.0)
                  // bad input fails the same way every time: straight to the dead set
                  .withNoRetryFor(IllegalArgumentException.class));

  // end snippet

  @Test
  void finalFailuresAndRunningLater() throws Exception {
    Payments payments = new Payments();
    try (Spool spool =
            Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
        Worker worker =
            spool
                .worker("node-1")
                // snippet: retries-handler
                .handle(
                    CHARGE,
                    (job, charge) -> {
                      if (!payments.knows(charge.customer())) {
                        // no retry can mend it: dead at once, whatever attempts are left
                        throw new UnrecoverableJobException("no customer " + charge.customer());
                      }
                      if (payments.overQuota(charge.customer())) {
                        // not a failure: runs again in a second, with no attempt used
                        throw new RunLaterException(Duration.ofSeconds(1), "quota used up");
                      }
                      payments.charge(charge.customer(), charge.cents());
                    })
                // end snippet
                .start()) {
      JobId unknown = spool.enqueue(CHARGE, new Charge("nobody", 100));
      JobId negative = spool.enqueue(CHARGE, new Charge("globex", -5));
      JobId postponed = spool.enqueue(CHARGE, new Charge("acme", 250));

      assertThat(spool.outcome(unknown).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
      assertThat(spool.outcome(negative).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
      assertThat(spool.outcome(postponed).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(spool.deadJobs().size("billing")).isEqualTo(2);
      JobStatus status = spool.statuses().find(postponed).orElseThrow();
      assertThat(status.attempt()).isOne(); // postponed once
      assertThat(status.errors()).isEmpty();
    }
  }
}
