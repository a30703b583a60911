package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The heartbeat: isolated from slow maintenance, and acted upon by the node. */
class HeartbeatIT {
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
  void runningJobsKeepTheirLeaseWhileTheReaperWorksOffABigBacklog() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    f.worker("busy")
        .handle(
            NOOP,
            (job, a) -> {
              runs.incrementAndGet();
              started.countDown();
              finish.await();
            })
        .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    f.worker("standby").handle(NOOP, (job, a) -> runs.incrementAndGet()).start();

    // Many leases' worth of reaping: jobs of a node long dead, out of attempts, for the dead set.
    String active = f.namespace + ":{work}:active";
    for (int chunk = 0; chunk < 10; chunk++) {
      f.redis()
          .eval(
              """
              for i = 1, 10000 do
                local id = tostring(ARGV[1] + i)
                redis.call('HSET', ARGV[2] .. id, 's', 'started', 'n', 0, 'w', 'ghost',
                  'o', '{"retry":{"attempts":1}}')
                redis.call('ZADD', KEYS[1], 1, id)
              end""",
              ScriptOutputType.STATUS,
              new String[] {active},
              Long.toString(1_000_000L + chunk * 10_000L),
              f.namespace + ":{work}:job:");
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> f.redis().zcard(active) <= 1); // the backlog is worked off...
    assertThat(runs).as("...while the running job kept its lease").hasValue(1);
    assertThat(f.redis().hget(f.jobKey(id), "w")).isEqualTo("busy");
    finish.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "succeeded".equals(f.redis().hget(f.jobKey(id), "s")));
    assertThat(runs).hasValue(1);
    assertThat(f.redis().hget(f.jobKey(id), "n")).isEqualTo("0");
  }

  @Test
  void aNodeThatLostAJobsLeaseInterruptsItsHandler() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Worker worker =
        f.worker("stalled")
            .handle(
                NOOP,
                (job, a) -> {
                  started.countDown();
                  try {
                    Fixtures.untilInterrupted();
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                })
            .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    // As if the node had stalled past its lease and the job were now another node's.
    f.redis().hset(f.jobKey(id), "w", "somebody-else");
    f.redis().zrem(f.namespace + ":{work}:active", Long.toString(id.number()));

    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.busy() == 0);
    assertThat(f.redis().hget(f.jobKey(id), "w"))
        .as("its outcome was not recorded over the other node's")
        .isEqualTo("somebody-else");
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("started");
  }

  @Test
  void aKillRequestWhoseMessageWasLostIsFoundByTheHeartbeat() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    CountDownLatch started = new CountDownLatch(1);
    f.worker("deaf")
        .handle(
            NOOP,
            (job, a) -> {
              started.countDown();
              Fixtures.untilInterrupted();
            })
        .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    // What request-kill.lua stores, without the pub/sub message (lost in a reconnect).
    f.redis().hset(f.jobKey(id), "krq", "1");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "killed".equals(f.redis().hget(f.jobKey(id), "s")));
    assertThat(f.spool.monitor().counts("work").processing()).isZero();
  }
}
