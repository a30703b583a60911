package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Outcomes that Redis refuses: a bad job is given up, the others are recorded. */
class AcknowledgementIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void anOutcomeRefusedForACorruptJobIsGivenUpAndFreesItsSlot() throws Exception {
    JobId bad = f.spool.enqueue(NOOP, new Noop(1));
    JobId good = f.spool.enqueue(NOOP, new Noop(2));
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch finish = new CountDownLatch(1);
    Worker worker =
        f.worker("node-1")
            .concurrency(2)
            .handle(
                NOOP,
                (job, a) -> {
                  bothStarted.countDown();
                  finish.await();
                  if (a.n() == 1) {
                    // Corrupt as the handler returns: recording its success fails with a script
                    // error (the job's key is not a hash) before the script writes anything.
                    f.redis()
                        .eval(
                            "redis.call('DEL', KEYS[1]) redis.call('SET', KEYS[1], 'garbage')",
                            ScriptOutputType.STATUS,
                            f.jobKey(bad));
                  }
                })
            .start();
    assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
    finish.countDown();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "succeeded".equals(f.redis().hget(f.jobKey(good), "s")));
    await().atMost(Duration.ofSeconds(15)).until(() -> worker.busy() == 0);
    // Its lease is no longer renewed: it runs out, for the reaper to recover the job.
    String active = f.namespace + ":{work}:active";
    String number = Long.toString(bad.number());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Double deadline = f.redis().zscore(active, number);
              List<String> time = f.redis().time();
              long nowMs = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
              return deadline == null || deadline < nowMs;
            });
  }
}
